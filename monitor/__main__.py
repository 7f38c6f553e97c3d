"""`python -m monitor ...`: the same CLI as the `monitor` command (for a checkout run without the entry point)."""

from monitor.cli import main

main(prog_name="monitor")
