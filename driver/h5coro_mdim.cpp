// h5coro_mdim.cpp - multidimensional API (GDALGroup / GDALMDArray) of H5CORO.
#include "h5coro_gdal.h"

namespace h5cg
{
GDALDataset *OpenMultiDim(const std::shared_ptr<H5File> &, const std::string &display)
{
    CPLError(CE_Failure, CPLE_NotSupported, "H5CORO: multidimensional API not available for %s", display.c_str());
    return nullptr;
}
}  // namespace h5cg
