"""Renderers: terminal text, a Markdown incident report, and JSON."""

from prodrescue.report.jsonout import to_dict, to_json
from prodrescue.report.markdown import render_markdown
from prodrescue.report.text import render_text

__all__ = ["render_markdown", "render_text", "to_dict", "to_json"]
