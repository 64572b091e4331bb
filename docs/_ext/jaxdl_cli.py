"""`{jaxdl-cli}`: the command line reference, one section per command with its `--help`, generated from the parsers
jaxdl.cli builds (so it is never written twice by hand)."""

import os

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

WIDTH = "100"  # argparse wraps at $COLUMNS: a fixed width gives the same page on every machine


class CliDirective(SphinxDirective):
    """One section per parser of `jaxdl.cli.build_parser()`, titled by its prog, holding its formatted help."""

    def run(self) -> list[nodes.Node]:
        from jaxdl.cli import build_parser, parsers

        saved = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = WIDTH
        try:
            helps = [(parser.prog, parser.format_help()) for parser in parsers(build_parser())]
        finally:
            if saved is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = saved
        sections = []
        for prog, text in helps:
            section = nodes.section(ids=[nodes.make_id(prog)], names=[nodes.fully_normalize_name(prog)])
            section += nodes.title(text=prog)
            section += nodes.literal_block(text, text, language="text")
            self.state.document.note_implicit_target(section, section)
            sections.append(section)
        return sections


def setup(app: object) -> dict[str, bool]:
    app.add_directive("jaxdl-cli", CliDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
