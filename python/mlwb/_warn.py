"""One-line warnings on stderr: the client never raises into training code for endpoint trouble."""
import sys

_seen = set()


def warn(message):
    try:
        sys.stderr.write("mlwb: %s\n" % message)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # stderr closed at interpreter exit: nothing better to do


def warn_once(key, message):
    if key not in _seen:
        _seen.add(key)
        warn(message)
