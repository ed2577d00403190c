"""The feedback page's exporter: nbconvert's HTML page, made at a fraction of its cost.

nbgrader's ``generate_feedback`` renders each student's graded notebook with nbconvert's
``HTMLExporter``. Two parts of that cost more than the rest of the page together, for every
student again (1.5 s a page on one core, measured on chapter 12):

- compiling the Jinja templates (about 0.25 s): each page gets a new exporter and so a new Jinja
  environment. :class:`FeedbackExporter` gives every environment one shared bytecode cache,
  so a template is compiled once per process. Jinja keys the cache by the template's name and
  checks its source's checksum, so a changed template (CleanFeedback's offline ``mathjax``
  macro is one) is compiled anew, never served stale;
- colouring the code (about a third of a page): every code cell of a chapter but the
  student's answers reads the same on every student's page, so :class:`_RememberedHighlight`
  colours each source once per process;
- re-reading the finished page with BeautifulSoup only to mark it up for keyboard and
  screen-reader users (about 0.6 s: a page has thousands of tags, most of them the syntax
  colouring's). :func:`mark_accessible` adds the same attributes with a few patterns over the
  markup the templates write: ``tabindex="0"`` on every cell's input and every output inside
  a ``jp-Notebook`` element (JupyterLab's templates), and an ``alt`` text on every image
  without one.

The page a student opens holds the same elements and attributes as ``HTMLExporter``'s
(``tests/test_grading_units.py`` compares the two, element by element).
"""
from __future__ import annotations

import re

from jinja2 import BytecodeCache
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.exporters.html import WidgetsDataTypeFilter
from nbconvert.filters.highlight import Highlight2HTML

#: What nbconvert writes into an image that has no description.
MISSING_ALT = "No description has been provided for this image"

_IMAGE_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\salt\s*=)", re.IGNORECASE)
# the element that holds the notebook in JupyterLab's templates (nbgrader's feedback template,
# built on the classic one, has none, and then nothing is made focusable)
_NOTEBOOK = re.compile(r'<[a-z]+\s[^>]*class="[^"]*\bjp-Notebook\b')
# an opening <div> whose class list holds one of the focusable classes; the template writes the
# class attribute first, and its value never holds a quote
_FOCUSABLE = re.compile(r'<div class="([^"]*\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b'
                        r'[^"]*)"(?![^>]*\stabindex\s*=)')


class _SharedBytecode(BytecodeCache):
    """Compiled templates kept in memory for every Jinja environment of this process."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # ignored by Jinja if the source changed

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _SharedBytecode()


class _RememberedHighlight(Highlight2HTML):
    """nbconvert's code colouring, each (source, language, options) coloured once per process.

    The page's markup depends on nothing else: the cell's metadata only through its
    ``magics_language``, which is part of the key."""

    #: Coloured sources, shared by every exporter; emptied when it grows past ``limit``
    #: entries (a class of a few hundred students stays far below).
    done: dict = {}
    limit = 20_000

    def __call__(self, source, language=None, metadata=None):
        options = tuple(sorted((k, repr(v)) for k, v in self.extra_formatter_options.items()))
        key = (source, language or self.pygments_lexer,
               (metadata or {}).get("magics_language"), options)
        html = self.done.get(key)
        if html is None:
            if len(self.done) >= self.limit:
                self.done.clear()
            html = self.done[key] = super().__call__(source, language, metadata)
        return html


def mark_accessible(page: str) -> tuple[str, int]:
    """``page`` with ``tabindex="0"`` on each cell input and output inside the notebook element
    and ``alt`` on each image without one, as ``HTMLExporter`` adds them; and how many images
    had no ``alt``."""
    notebook = _NOTEBOOK.search(page)
    if notebook:
        page = page[:notebook.start()] + _FOCUSABLE.sub(r'<div class="\1" tabindex="0"',
                                                        page[notebook.start():])
    return _IMAGE_WITHOUT_ALT.subn(f'<img alt="{MISSING_ALT}"', page)


class FeedbackExporter(HTMLExporter):
    """``HTMLExporter`` with its templates compiled and its code coloured once per process,
    and its accessibility markup added without re-parsing the page (see the module
    docstring).

    Configured by the ``HTMLExporter`` section of the config, as the exporter it replaces."""

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = _BYTECODE
        return environment

    def from_notebook_node(self, nb, resources=None, **kw):
        # HTMLExporter.from_notebook_node's set-up, then the template, then mark_accessible in
        # place of its BeautifulSoup pass
        info = nb.metadata.get("language_info", {})
        lexer = info.get("pygments_lexer", info.get("name", None))
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", _RememberedHighlight(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        page, missing = mark_accessible(page)
        if missing:
            self.log.warning("Alternative text is missing on %d image(s).", missing)
        return page, resources
