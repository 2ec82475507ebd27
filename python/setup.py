"""Builds the extension _xpuplan with CMake from the clone this folder is in,
and installs it with the package and a copy of the shipped data (used when the
clone's data/ is gone). No package index: Debian's setuptools, cmake, g++ and
pybind11-dev. The CMake build directory is $XPUPLAN_BUILD_DIR, else
build/python in the clone (reused between installs)."""

import glob
import os
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


class BuildWithCMake(build_py):
    def run(self):
        super().run()
        build = os.environ.get("XPUPLAN_BUILD_DIR") or os.path.join(ROOT, "build", "python")
        if not os.path.exists(os.path.join(build, "CMakeCache.txt")):
            subprocess.check_call([
                "cmake", "-S", ROOT, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                "-DXPUPLAN_PYTHON=ON", "-DXPUPLAN_BENCH=OFF", "-DPYTHON_EXECUTABLE=" + sys.executable,
            ])
        jobs = os.environ.get("JOBS") or str(os.cpu_count() or 2)
        subprocess.check_call(["cmake", "--build", build, "--target", "_xpuplan", "-j", jobs])
        built = glob.glob(os.path.join(build, "python", "xpuplan", "_xpuplan*.so"))
        if not built:
            raise RuntimeError(f"the CMake build in {build} made no _xpuplan extension")
        out = os.path.join(self.build_lib, "xpuplan")
        os.makedirs(out, exist_ok=True)
        shutil.copy2(built[0], out)
        data = os.path.join(out, "data")
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(os.path.join(ROOT, "data"), data)


class BinaryDistribution(Distribution):
    def has_ext_modules(self):  # the wheel holds a compiled extension: platform-specific
        return True


setup(cmdclass={"build_py": BuildWithCMake}, distclass=BinaryDistribution)
