#!/usr/bin/python3
"""Write the georeferencing test files of h5coro-gdal:

  hdfeos5_grid.he5  an HDF-EOS5 file laid out as the HDF-EOS5 library lays
                    it out (/HDFEOS/GRIDS/<grid>/Data Fields/<field>, the ODL
                    text in "/HDFEOS INFORMATION/StructMetadata.0"), with a
                    geographic grid (corners in packed DMS degrees), a
                    MODIS-like sinusoidal grid, a UTM grid and a polar
                    stereographic grid.
  geoloc_swath.nc   a netCDF-4/CF swath: a variable whose `coordinates` are
                    2-D latitude/longitude arrays (GEOLOCATION metadata).

Deterministic like gen_data.py (fixed seeds, object times off; run from
scripts/gen_data.sh, which pins the wall clock):

    /usr/bin/python3 data/gen_eos.py [OUTDIR]
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_data as G  # noqa: E402  (new_file, group, dset helpers; OUT from argv)

# GCTP projection parameters are 13 values; angles in packed DMS
# (degrees * 1e6 + minutes * 1e3 + seconds).
ZERO13 = [0.0] * 13


def dms(deg, minutes=0, seconds=0.0):
    """Packed DMS value of a signed angle given as its parts."""
    sign = -1 if deg < 0 or (deg == 0 and (minutes < 0 or seconds < 0)) else 1
    return sign * (abs(deg) * 1e6 + abs(minutes) * 1e3 + abs(seconds))


def odl_grid(index, name, xdim, ydim, ul, lr, projection, fields,
             zone=None, sphere=None, params=None, extra_dims=()):
    """One GROUP=GRID_n block as the HDF-EOS5 library writes it."""
    t = '\t\t'
    lines = ['\tGROUP=GRID_%d' % index,
             t + 'GridName="%s"' % name,
             t + 'XDim=%d' % xdim,
             t + 'YDim=%d' % ydim,
             t + 'UpperLeftPointMtrs=(%f,%f)' % ul,
             t + 'LowerRightMtrs=(%f,%f)' % lr,
             t + 'Projection=%s' % projection]
    if zone is not None:
        lines.append(t + 'ZoneCode=%d' % zone)
    if params is not None:
        lines.append(t + 'ProjParams=(%s)' % ','.join(
            ('%f' % v) if v != 0 else '0' for v in params))
    if sphere is not None:
        lines.append(t + 'SphereCode=%d' % sphere)
    lines += [t + 'GridOrigin=HE5_HDFE_GD_UL',
              t + 'PixelRegistration=HE5_HDFE_CENTER',
              t + 'GROUP=Dimension']
    for k, (dname, size) in enumerate(extra_dims, 1):
        lines += [t + '\tOBJECT=Dimension_%d' % k,
                  t + '\t\tDimensionName="%s"' % dname,
                  t + '\t\tSize=%d' % size,
                  t + '\tEND_OBJECT=Dimension_%d' % k]
    lines += [t + 'END_GROUP=Dimension', t + 'GROUP=DataField']
    for k, (fname, ftype, dims) in enumerate(fields, 1):
        dl = ','.join('"%s"' % d for d in dims)
        lines += [t + '\tOBJECT=DataField_%d' % k,
                  t + '\t\tDataFieldName="%s"' % fname,
                  t + '\t\tDataType=%s' % ftype,
                  t + '\t\tDimList=(%s)' % dl,
                  t + '\t\tMaxdimList=(%s)' % dl,
                  t + '\tEND_OBJECT=DataField_%d' % k]
    lines += [t + 'END_GROUP=DataField', t + 'GROUP=MergedFields',
              t + 'END_GROUP=MergedFields', '\tEND_GROUP=GRID_%d' % index]
    return lines


def struct_metadata(grid_blocks):
    lines = ['GROUP=SwathStructure', 'END_GROUP=SwathStructure',
             'GROUP=GridStructure']
    for b in grid_blocks:
        lines += b
    lines += ['END_GROUP=GridStructure', 'GROUP=PointStructure',
              'END_GROUP=PointStructure', 'GROUP=ZaStructure',
              'END_GROUP=ZaStructure', 'END', '']
    return '\n'.join(lines)


def write_struct_metadata(f, text):
    """A scalar fixed-length string of 32000 bytes, null-terminated, as the
    HDF-EOS5 library stores it."""
    info = G.group(f, 'HDFEOS INFORMATION')
    info.attrs.create('HDFEOSVersion', np.bytes_('HDFEOS_5.1.16'),
                      dtype='S13')
    raw = text.encode('ascii')
    assert len(raw) < 32000
    G.dset(info, 'StructMetadata.0', data=np.array(raw, dtype='S32000'))


def field(fields_grp, name, data, **attrs):
    d = G.dset(fields_grp, name, data=data, chunks=tuple(min(s, 16) for s in data.shape),
               compression='gzip', shuffle=True)
    for k, v in attrs.items():
        d.attrs[k] = v
    return d


def gen_hdfeos5():
    rng = np.random.default_rng(900)
    blocks = []
    with G.new_file('hdfeos5_grid.he5', 'earliest') as f:
        G.group(f, 'HDFEOS/ADDITIONAL/FILE_ATTRIBUTES')
        f['HDFEOS/ADDITIONAL/FILE_ATTRIBUTES'].attrs['InstrumentName'] = np.bytes_('h5coro test')
        G.group(f, 'HDFEOS/GRIDS')
        grids = f['HDFEOS/GRIDS']

        # geographic: 0.5 degree cells from 10d30'W 45d15'N to 9d30'E 30d15'N
        nx, ny = 40, 30
        g = G.group(grids, 'GeoGrid/Data Fields')
        yy, xx = np.mgrid[0:ny, 0:nx]
        field(g, 'Temperature', (280 + xx * 0.5 - yy * 0.25).astype('<f4'),
              units=np.bytes_('K'), _FillValue=np.float32(-9999.0))
        field(g, 'Ozone', rng.integers(200, 400, (3, ny, nx)).astype('<i2'),
              units=np.bytes_('DU'))
        blocks.append(odl_grid(1, 'GeoGrid', nx, ny, (dms(-10, 30), dms(45, 15)),
                               (dms(9, 30), dms(30, 15)), 'HE5_GCTP_GEO',
                               [('Temperature', 'H5T_NATIVE_FLOAT', ('YDim', 'XDim')),
                                ('Ozone', 'H5T_NATIVE_SHORT', ('nLevels', 'YDim', 'XDim'))],
                               zone=-1, sphere=12, params=ZERO13,
                               extra_dims=[('nLevels', 3)]))

        # MODIS-like sinusoidal tile h08v05 at 48x48 (~23 km cells)
        n = 48
        g = G.group(grids, 'MOD_Grid_500m/Data Fields')
        field(g, 'sur_refl_b01', rng.integers(-100, 10000, (n, n)).astype('<i2'),
              _FillValue=np.int16(-28672), scale_factor=np.float64(0.0001),
              add_offset=np.float64(0.0), long_name=np.bytes_('Surface reflectance band 1'))
        blocks.append(odl_grid(2, 'MOD_Grid_500m', n, n,
                               (-11119505.196667, 4447802.078667),
                               (-10007554.677000, 3335851.559000), 'HE5_GCTP_SNSOID',
                               [('sur_refl_b01', 'H5T_NATIVE_SHORT', ('YDim', 'XDim'))],
                               params=[6371007.181] + [0.0] * 12, sphere=-1))

        # UTM zone 33 north, WGS 84, 1 km cells
        g = G.group(grids, 'UTMGrid/Data Fields')
        field(g, 'elevation', rng.normal(500, 50, (20, 25)).astype('<f4'), units=np.bytes_('m'))
        blocks.append(odl_grid(3, 'UTMGrid', 25, 20, (400000.0, 5600000.0),
                               (425000.0, 5580000.0), 'HE5_GCTP_UTM',
                               [('elevation', 'H5T_NATIVE_FLOAT', ('YDim', 'XDim'))],
                               zone=33, sphere=12, params=ZERO13))

        # north polar stereographic, true scale at 70N, vertical lon 45W, WGS 84
        g = G.group(grids, 'NorthPolar/Data Fields')
        field(g, 'ice', rng.integers(0, 101, (16, 12)).astype('u1'))
        ps = list(ZERO13)
        ps[4], ps[5] = dms(-45), dms(70)
        blocks.append(odl_grid(4, 'NorthPolar', 12, 16, (-3850000.0, 5850000.0),
                               (-3550000.0, 5450000.0), 'HE5_GCTP_PS',
                               [('ice', 'H5T_NATIVE_UCHAR', ('YDim', 'XDim'))],
                               sphere=12, params=ps))

        # Lambert azimuthal equal area (EASE-Grid north), sphere 6371228 m
        g = G.group(grids, 'EASE_North/Data Fields')
        field(g, 'snow', rng.integers(0, 255, (10, 10)).astype('u1'))
        la = list(ZERO13)
        la[0], la[5] = 6371228.0, dms(90)
        blocks.append(odl_grid(5, 'EASE_North', 10, 10, (-250000.0, 250000.0),
                               (250000.0, -250000.0), 'HE5_GCTP_LAMAZ',
                               [('snow', 'H5T_NATIVE_UCHAR', ('YDim', 'XDim'))],
                               sphere=-1, params=la))

        write_struct_metadata(f, struct_metadata(blocks))


def gen_geoloc():
    import netCDF4
    p = G.path_of('geoloc_swath.nc')
    if os.path.exists(p):
        os.remove(p)
    ny, nx = 20, 24
    nc = netCDF4.Dataset(p, 'w', format='NETCDF4')
    nc.setncattr('Conventions', 'CF-1.8')
    nc.setncattr('title', 'h5coro-gdal swath with 2-D geolocation arrays')
    nc.createDimension('y', ny)
    nc.createDimension('x', nx)
    # a slanted, curved swath: not a regular grid
    j, i = np.mgrid[0:ny, 0:nx].astype('f8')
    lat = 40.0 + 0.25 * j + 0.05 * i + 0.002 * i * i
    lon = -100.0 + 0.3 * i - 0.08 * j
    la = nc.createVariable('lat', 'f4', ('y', 'x'))
    la.units = 'degrees_north'
    la.standard_name = 'latitude'
    la[:] = lat
    lo = nc.createVariable('lon', 'f4', ('y', 'x'))
    lo.units = 'degrees_east'
    lo.standard_name = 'longitude'
    lo[:] = lon
    v = nc.createVariable('brightness_temperature', 'f4', ('y', 'x'), zlib=True,
                          fill_value=np.float32(-999.0))
    v.units = 'K'
    v.coordinates = 'lon lat'
    v.long_name = 'brightness temperature'
    v[:] = (250 + 10 * np.sin(i / 4.0) + j).astype('f4')
    nc.close()


def main():
    os.makedirs(G.OUT, exist_ok=True)
    gen_hdfeos5()
    gen_geoloc()


if __name__ == '__main__':
    main()
