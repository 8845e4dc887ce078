"""`python -m dispatch …` runs the `dispatch` command (rules.md §9) from any checkout."""

from dispatch.cli import main

main()
