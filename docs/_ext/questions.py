"""`{course-questions} notebooks/N_name.py`: the course's questions a notebook answers, in its order, each linked to
its answer in the rendered notebook; read from the notebook's `##` headings at build time, never copied by hand."""

import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from myst_parser.mdit_to_docutils.base import default_slugify
from sphinx.util.docutils import SphinxDirective

HEADING = re.compile(r"^# ## (.+)$", re.MULTILINE)  # a jupytext py:percent markdown cell's second-level heading


class CourseQuestions(SphinxDirective):
    """A numbered list of links, one per `##` heading of the notebook named by the argument (relative to the page)."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        source = Path(self.env.doc2path(self.env.docname)).parent / self.arguments[0]
        self.env.note_dependency(str(source))
        questions = HEADING.findall(source.read_text())
        if not questions:
            raise self.error(f"{self.arguments[0]}: no '## ' heading, so no question to list")
        lines = [f"{n}. [{re.sub(r'^[0-9]+[.] ', '', text)}]({self.arguments[0]}#{default_slugify(text)})"
                 for n, text in enumerate(questions, 1)]
        holder = nodes.container()
        self.state.nested_parse(StringList(lines, source=self.arguments[0]), self.content_offset, holder)
        return holder.children


def setup(app: object) -> dict[str, bool]:
    app.add_directive("course-questions", CourseQuestions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
