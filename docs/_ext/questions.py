"""`{course-questions} notebooks/N_name`: the course's questions a notebook answers, in its order, each linked to
its answer in the rendered notebook; read from the notebook's `##` headings at build time, never copied by hand."""

import posixpath
import re
from pathlib import Path

from docutils import nodes
from myst_parser.mdit_to_docutils.base import default_slugify
from sphinx.util.docutils import SphinxDirective

HEADING = re.compile(r"^# ## (.+)$", re.MULTILINE)  # a jupytext py:percent markdown cell's second-level heading


class CourseQuestions(SphinxDirective):
    """A numbered list of links, one per `##` heading of the notebook whose document name is the argument."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        notebook = self.arguments[0]
        source = Path(self.env.srcdir) / f"{notebook}.py"
        self.env.note_dependency(str(source))
        questions = HEADING.findall(source.read_text())
        if not questions:
            raise self.error(f"{notebook}: no '## ' heading, so no question to list")
        # A plain relative link to the HTML page: MyST resolves a path through the docs/notebooks symlink to a file
        # outside the source folder, and docnames have no cross-document anchors; tests/docs checks every anchor.
        page = posixpath.relpath(notebook, posixpath.dirname(self.env.docname) or ".") + ".html"
        listing = nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".")
        for text in questions:
            plain = re.sub(r"^[0-9]+[.] ", "", text).replace("`", "")
            reference = nodes.reference(plain, plain, refuri=f"{page}#{default_slugify(text)}", internal=True)
            listing += nodes.list_item("", nodes.paragraph("", "", reference))
        return [listing]


def setup(app: object) -> dict[str, bool]:
    app.add_directive("course-questions", CourseQuestions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
