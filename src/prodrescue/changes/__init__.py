"""Changes around an incident: commits of a git repository, ranked as suspects."""

from prodrescue.changes.git import Commit, read_commits
from prodrescue.changes.suspects import DEFAULT_WINDOW_SECONDS, attach_suspects, rank_suspects

__all__ = ["DEFAULT_WINDOW_SECONDS", "Commit", "attach_suspects", "rank_suspects", "read_commits"]
