#!/usr/bin/env python3
"""Build the briefing site. Run `python build.py --help` for the commands."""
from generator.cli import main

if __name__ == "__main__":
    main()
