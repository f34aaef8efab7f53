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
defines = [("_GNU_SOURCE", None)]
libraries = ["deflate", "curl", "crypto", "pthread", "m"]
# optional filter libraries: header present -> decoder compiled in
OPTIONAL = [("SZIP", "sz", "szlib.h"), ("BZIP2", "bz2", "bzlib.h"), ("LZ4", "lz4", "lz4.h"),
            ("ZSTD", "zstd", "zstd.h"), ("BLOSC", "blosc", "blosc.h")]


def have_header(name):
    return any(os.path.exists(os.path.join(d, name))
               for d in ("/usr/include", "/usr/local/include"))


if lib:
    # CMake already chose the filters: link what it linked (full paths)
    extra_objects = [lib] + [p for p in os.environ.get("H5C_LINK_LIBS", "").replace(";", ":").split(":") if p]
else:
    sources += core_sources()
    for name, libname, header in OPTIONAL:
        if os.environ.get("H5C_%s" % name, "ON") != "OFF" and have_header(header):
            defines.append(("H5C_HAVE_%s" % name, None))
            libraries.append(libname)

ext = Extension(
    "h5coro_c._core",
    sources=sources,
    include_dirs=[os.path.join(CORE, "include"), CORE],
    define_macros=defines,
    extra_compile_args=["-std=c11", "-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-missing-field-initializers"],
    extra_objects=extra_objects,
    libraries=libraries,
)

setup(
    version=version(),
    ext_modules=[ext],
    options={"build": {"build_base": BUILD}, "egg_info": {"egg_base": BUILD}},
)
