# The generated modules (scripts/generate-clients.sh) are the `gamepulse` package under gen/.
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent / "gen"))
