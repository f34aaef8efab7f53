"""Build of the h5coro_c extension (metadata lives in pyproject.toml).

Two ways to get libh5coro into the extension:
  - default: compile the core sources (../core) into it;
  - H5C_LIBRARY=/path/libh5coro.a: link the CMake-built static library
    (what ctest does, so the tests exercise the same objects as the CLI).
The version comes from core/include/h5coro.h, as CMake's does. Build
products go to $H5C_PY_BUILD_DIR (default build/)."""
import glob
import os
import re

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORE = os.path.join(ROOT, "core")
HEADER = os.path.join(CORE, "include", "h5coro.h")


def version():
    text = open(HEADER, encoding="utf-8").read()
    parts = [re.search(r"^#define H5C_VERSION_%s (\d+)$" % p, text, re.M).group(1)
             for p in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(parts)


def core_sources():
    out = []
    for sub in ("util", "io", "cache", "format", "filters", "plan"):
        out += sorted(glob.glob(os.path.join(CORE, sub, "*.c")))
    # setuptools wants paths relative to setup.py
    return [os.path.relpath(p, HERE) for p in out]


BUILD = os.environ.get("H5C_PY_BUILD_DIR", os.path.join(HERE, "build"))
os.makedirs(BUILD, exist_ok=True)
lib = os.environ.get("H5C_LIBRARY")
os.chdir(HERE)
sources = ["src/h5coro_c_core.c"]
extra_objects = []
if lib:
    extra_objects = [lib]
else:
    sources += core_sources()

ext = Extension(
    "h5coro_c._core",
    sources=sources,
    include_dirs=[os.path.join(CORE, "include"), CORE],
    define_macros=[("_GNU_SOURCE", None)],
    extra_compile_args=["-std=c11", "-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-missing-field-initializers"],
    extra_objects=extra_objects,
    libraries=["deflate", "curl", "crypto", "pthread"],
)

setup(
    version=version(),
    ext_modules=[ext],
    options={"build": {"build_base": BUILD}, "egg_info": {"egg_base": BUILD}},
)
