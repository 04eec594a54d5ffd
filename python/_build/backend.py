"""A PEP 517 build backend that needs nothing but the standard library.

pip builds packages in an isolated environment into which it installs the backend's
requirements from an index; offline, even setuptools cannot be fetched. This backend
requires nothing, so `pip install ./python` works without network. It builds a pure-Python
wheel of the `mlwb` package (and an editable wheel for `pip install -e`).
"""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PACKAGE = "mlwb"


def _project():
    """Name, version and summary from pyproject.toml (tomllib is 3.11+, so a narrow regex)."""
    with open(os.path.join(_ROOT, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    project = text.split("[project]", 1)[1].split("\n[", 1)[0]

    def field(name):
        m = re.search(r'^%s\s*=\s*"([^"]*)"' % name, project, re.M)
        if not m:
            raise RuntimeError("pyproject.toml: [project] %s is missing" % name)
        return m.group(1)

    return field("name"), field("version"), field("description"), field("requires-python")


def _metadata():
    name, version, summary, requires = _project()
    return (
        "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: %s\nRequires-Python: %s\nLicense: MIT\n"
        % (name, version, summary, requires)
    )


def _dist_info():
    name, version, _, _ = _project()
    return "%s-%s.dist-info" % (name, version), "%s-%s-py3-none-any.whl" % (name, version)


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (arcname, digest, len(data))


def _write_wheel(directory, files):
    """files: [(arcname, bytes)]; adds the dist-info files and RECORD."""
    dist_info, wheel_name = _dist_info()
    files = list(files) + [
        (dist_info + "/METADATA", _metadata().encode()),
        (dist_info + "/WHEEL", b"Wheel-Version: 1.0\nGenerator: mlwb-backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    ]
    record = [_record_line(a, d) for a, d in files] + [dist_info + "/RECORD,,"]
    files.append((dist_info + "/RECORD", ("\n".join(record) + "\n").encode()))
    with zipfile.ZipFile(os.path.join(directory, wheel_name), "w", zipfile.ZIP_DEFLATED) as whl:
        for arcname, data in files:
            whl.writestr(arcname, data)
    return wheel_name


def _package_files():
    pkg = os.path.join(_ROOT, _PACKAGE)
    for name in sorted(os.listdir(pkg)):
        if name.endswith(".py"):
            with open(os.path.join(pkg, name), "rb") as f:
                yield "%s/%s" % (_PACKAGE, name), f.read()


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, _package_files())


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # A .pth line puts the source folder on sys.path: edits take effect without reinstalling.
    return _write_wheel(wheel_directory, [("mlwb_editable.pth", (_ROOT + "\n").encode())])


def build_sdist(sdist_directory, config_settings=None):
    name, version, _, _ = _project()
    base = "%s-%s" % (name, version)
    archive = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, archive), "w:gz") as tar:
        for rel in ["pyproject.toml", "_build/backend.py"] + [a for a, _ in _package_files()]:
            tar.add(os.path.join(_ROOT, rel), arcname="%s/%s" % (base, rel))
        info = tarfile.TarInfo(base + "/PKG-INFO")
        data = _metadata().encode()
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return archive
