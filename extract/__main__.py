"""``python -m extract``: the same command line as the ``extract`` script, for machines
where pip's script directory is not on PATH."""
from .cli import main

if __name__ == "__main__":
    main(prog_name="extract")
