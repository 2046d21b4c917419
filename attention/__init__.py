"""The attention playground's library: the hand-written core, model tracing, measures and charts.

Pure Python and torch; it never imports Streamlit, so it works the same from a notebook.
"""

from attention.core import AttentionSteps, attend, causal_mask

__all__ = ["AttentionSteps", "attend", "causal_mask"]
