#!/usr/bin/env bash
# Install what building and testing need, from Debian only. Idempotent:
# apt-get runs only when a package is missing.
set -euo pipefail
PKGS=(build-essential cmake pkg-config libdeflate-dev libgtest-dev
      python3-h5py python3-numpy python3-netcdf4 hdf5-tools libhdf5-dev
      clang libclang-rt-14-dev libcurl4-openssl-dev libssl-dev
      libgdal-dev gdal-bin python3-gdal python3-rasterio python3-pytest
      python3-boto3 python3-botocore
      python3-dev python3-setuptools python3-pip python3-xarray python3-h5netcdf
      python3-dask python3-distributed python3-fsspec python3-aiohttp
      libaec-dev libbz2-dev liblz4-dev libzstd-dev libblosc-dev python3-hdf5plugin)
missing=()
# Node.js + npm (for the s3rver S3 emulator): keep a preinstalled Node.
command -v npm >/dev/null 2>&1 || PKGS+=(nodejs npm)
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
