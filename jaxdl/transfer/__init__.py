"""Part 1, transfer learning: CNN features (or bag-of-visual-words) -> linear classifiers on 15-Scene."""
