"""Data sets as tensorflow-datasets builders (array_record, read without TensorFlow), named by the specs of sources.py."""
