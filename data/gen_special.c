/* gen_special.c - test files that h5py cannot write.
 *
 * Built and run by scripts/gen_data.sh (test-time only; needs libhdf5-dev):
 *   gcc -std=c11 -O1 -I/usr/include/hdf5/serial gen_special.c \
 *       -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5 -o /tmp/gen_special
 *   /tmp/gen_special OUTDIR
 *
 * Files:
 *   sb1_istore_k.h5   superblock v1 (non-default indexed-storage K = 64),
 *                     non-default symbol-table K (4 internal, 2 leaf) so
 *                     both B-tree kinds get several levels
 *   fill_old.h5       earliest format; fill values defined, undefined,
 *                     alloc/fill times varied (old fill value message 0x0004
 *                     next to the new one 0x0005; see data/README.md)
 *   sohm.h5           shared object header messages: datatype/dataspace
 *                     index kept as a list, attribute index as a v2 B-tree
 *   special_types.h5  space-padded strings, bitfields, a NULL variable-length
 *                     string, a variable-length string attribute with NULL
 *
 * Object modification times are switched off everywhere (H5Pset_obj_track_times).
 */
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                              \
    do {                                                                      \
        if ((x) < 0) {                                                        \
            fprintf(stderr, "%s:%d: %s failed\n", __FILE__, __LINE__, #x);    \
            exit(1);                                                          \
        }                                                                     \
    } while (0)

static char outdir[4096];

static const char *out(const char *name)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "%s/%s", outdir, name);
    return buf;
}

static hid_t fcpl_new(void)
{
    hid_t p = H5Pcreate(H5P_FILE_CREATE);
    CHECK(p);
    CHECK(H5Pset_obj_track_times(p, 0));
    return p;
}

static hid_t dcpl_new(void)
{
    hid_t p = H5Pcreate(H5P_DATASET_CREATE);
    CHECK(p);
    CHECK(H5Pset_obj_track_times(p, 0));
    return p;
}

static hid_t gcpl_new(void)
{
    hid_t p = H5Pcreate(H5P_GROUP_CREATE);
    CHECK(p);
    CHECK(H5Pset_obj_track_times(p, 0));
    return p;
}

static hid_t fapl_bounds(H5F_libver_t low)
{
    hid_t p = H5Pcreate(H5P_FILE_ACCESS);
    CHECK(p);
    CHECK(H5Pset_libver_bounds(p, low, H5F_LIBVER_LATEST));
    return p;
}

static void write_dataset(hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                          int rank, const hsize_t *dims, hid_t dcpl, const void *buf)
{
    hid_t space = rank < 0 ? H5Screate(H5S_NULL)
                : rank == 0 ? H5Screate(H5S_SCALAR)
                : H5Screate_simple(rank, dims, NULL);
    CHECK(space);
    hid_t d = H5Dcreate2(loc, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    CHECK(d);
    if (buf)
        CHECK(H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf));
    CHECK(H5Dclose(d));
    CHECK(H5Sclose(space));
}

static void write_attr(hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                       int rank, const hsize_t *dims, const void *buf)
{
    hid_t space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, NULL);
    CHECK(space);
    hid_t a = H5Acreate2(loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    CHECK(a);
    CHECK(H5Awrite(a, mtype, buf));
    CHECK(H5Aclose(a));
    CHECK(H5Sclose(space));
}

/* ---- superblock v1 ------------------------------------------------------ */

static void gen_sb1(void)
{
    hid_t fcpl = fcpl_new();
    CHECK(H5Pset_istore_k(fcpl, 64));        /* non-default -> superblock v1 */
    CHECK(H5Pset_sym_k(fcpl, 4, 2));          /* group B-tree K 4, SNOD K 2 */
    hid_t fapl = fapl_bounds(H5F_LIBVER_EARLIEST);
    hid_t f = H5Fcreate(out("sb1_istore_k.h5"), H5F_ACC_TRUNC, fcpl, fapl);
    CHECK(f);

    /* 600 chunks: with K = 64 (at most 128 entries a node) the chunk B-tree
     * has two levels */
    enum { N = 60 };
    static int16_t ibuf[N][N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            ibuf[i][j] = (int16_t)(i * 100 + j);
    hsize_t dims[2] = {N, N}, chunk[2] = {2, 3};
    hid_t dcpl = dcpl_new();
    CHECK(H5Pset_chunk(dcpl, 2, chunk));
    write_dataset(f, "chunked_i2", H5T_STD_I16LE, H5T_NATIVE_INT16, 2, dims, dcpl, ibuf);
    CHECK(H5Pclose(dcpl));

    static double dbuf[37][23];
    for (int i = 0; i < 37; i++)
        for (int j = 0; j < 23; j++)
            dbuf[i][j] = sin(i * 0.3) * cos(j * 0.2);
    hsize_t ddims[2] = {37, 23}, dchunk[2] = {5, 4};
    dcpl = dcpl_new();
    CHECK(H5Pset_chunk(dcpl, 2, dchunk));
    CHECK(H5Pset_shuffle(dcpl));
    CHECK(H5Pset_deflate(dcpl, 5));
    write_dataset(f, "chunked_gzip_f8", H5T_IEEE_F64BE, H5T_NATIVE_DOUBLE, 2, ddims, dcpl, dbuf);
    CHECK(H5Pclose(dcpl));

    /* a group with 60 members: SNODs hold 4 entries, B-tree nodes 8 children */
    hid_t gcpl = gcpl_new();
    hid_t g = H5Gcreate2(f, "many", H5P_DEFAULT, gcpl, H5P_DEFAULT);
    CHECK(g);
    for (int i = 0; i < 60; i++) {
        char name[32];
        snprintf(name, sizeof name, "member_%02d", i);
        int16_t v = (int16_t)(i * 3);
        dcpl = dcpl_new();
        CHECK(H5Pset_layout(dcpl, H5D_COMPACT));
        write_dataset(g, name, H5T_STD_I16LE, H5T_NATIVE_INT16, 0, NULL, dcpl, &v);
        CHECK(H5Pclose(dcpl));
    }
    hid_t sub = H5Gcreate2(g, "subgroup", H5P_DEFAULT, gcpl, H5P_DEFAULT);
    CHECK(sub);
    CHECK(H5Gclose(sub));
    CHECK(H5Gclose(g));
    CHECK(H5Pclose(gcpl));

    int32_t k = 64;
    write_attr(f, "istore_k", H5T_STD_I32LE, H5T_NATIVE_INT32, 0, NULL, &k);
    CHECK(H5Fclose(f));
    CHECK(H5Pclose(fcpl));
    CHECK(H5Pclose(fapl));
}

/* ---- fill values, earliest format --------------------------------------- */

static void gen_fill_old(void)
{
    hid_t fcpl = fcpl_new();
    hid_t fapl = fapl_bounds(H5F_LIBVER_EARLIEST);
    hid_t f = H5Fcreate(out("fill_old.h5"), H5F_ACC_TRUNC, fcpl, fapl);
    CHECK(f);
    hsize_t dims[1] = {12}, chunk[1] = {5};
    int32_t part[3] = {1, 2, 3};
    hsize_t start[1] = {4}, count[1] = {3};

    /* contiguous, fill defined, never written (late allocation) */
    hid_t dcpl = dcpl_new();
    int32_t fill_i = -1;
    CHECK(H5Pset_fill_value(dcpl, H5T_NATIVE_INT32, &fill_i));
    write_dataset(f, "contig_fill_unwritten", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, dims, dcpl, NULL);
    CHECK(H5Pclose(dcpl));

    /* chunked, fill defined, partially written through a hyperslab */
    dcpl = dcpl_new();
    int16_t fill_s = 0x1234;
    CHECK(H5Pset_chunk(dcpl, 1, chunk));
    CHECK(H5Pset_fill_value(dcpl, H5T_NATIVE_INT16, &fill_s));
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t d = H5Dcreate2(f, "chunked_fill_be_i2", H5T_STD_I16BE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    CHECK(d);
    hid_t mspace = H5Screate_simple(1, count, NULL);
    CHECK(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL));
    CHECK(H5Dwrite(d, H5T_NATIVE_INT32, mspace, space, H5P_DEFAULT, part));
    CHECK(H5Dclose(d));
    CHECK(H5Sclose(mspace));
    CHECK(H5Sclose(space));
    CHECK(H5Pclose(dcpl));

    /* float fill, early allocation, fill written at allocation */
    dcpl = dcpl_new();
    double fill_d = -9999.5;
    CHECK(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill_d));
    CHECK(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY));
    CHECK(H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC));
    write_dataset(f, "contig_fill_early_f8", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dims, dcpl, NULL);
    CHECK(H5Pclose(dcpl));

    /* fill value undefined; data fully written so reads are defined */
    dcpl = dcpl_new();
    CHECK(H5Pset_fill_value(dcpl, H5T_NATIVE_INT32, NULL));
    int32_t full[12];
    for (int i = 0; i < 12; i++)
        full[i] = 100 + i;
    write_dataset(f, "fill_undefined_written", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, dims, dcpl, full);
    CHECK(H5Pclose(dcpl));

    /* fill time "if set", compact layout with a fill value */
    dcpl = dcpl_new();
    uint8_t fill_u = 0xAB;
    CHECK(H5Pset_layout(dcpl, H5D_COMPACT));
    CHECK(H5Pset_fill_value(dcpl, H5T_NATIVE_UINT8, &fill_u));
    CHECK(H5Pset_fill_time(dcpl, H5D_FILL_TIME_IFSET));
    write_dataset(f, "compact_fill_u1", H5T_STD_U8LE, H5T_NATIVE_UINT8, 1, dims, dcpl, NULL);
    CHECK(H5Pclose(dcpl));

    /* compound fill value, chunked, one chunk written */
    typedef struct { int32_t a; float b; } pair_t;
    hid_t ct = H5Tcreate(H5T_COMPOUND, sizeof(pair_t));
    CHECK(H5Tinsert(ct, "a", HOFFSET(pair_t, a), H5T_NATIVE_INT32));
    CHECK(H5Tinsert(ct, "b", HOFFSET(pair_t, b), H5T_NATIVE_FLOAT));
    hid_t ft = H5Tcreate(H5T_COMPOUND, 8);
    CHECK(H5Tinsert(ft, "a", 0, H5T_STD_I32LE));
    CHECK(H5Tinsert(ft, "b", 4, H5T_IEEE_F32LE));
    pair_t fill_c = {-7, 0.5f};
    dcpl = dcpl_new();
    CHECK(H5Pset_chunk(dcpl, 1, chunk));
    CHECK(H5Pset_fill_value(dcpl, ct, &fill_c));
    space = H5Screate_simple(1, dims, NULL);
    d = H5Dcreate2(f, "chunked_fill_compound", ft, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    CHECK(d);
    pair_t vals[5] = {{1, 1.5f}, {2, 2.5f}, {3, 3.5f}, {4, 4.5f}, {5, 5.5f}};
    hsize_t s5[1] = {5}, c5[1] = {5};
    mspace = H5Screate_simple(1, c5, NULL);
    CHECK(H5Sselect_hyperslab(space, H5S_SELECT_SET, s5, NULL, c5, NULL));
    CHECK(H5Dwrite(d, ct, mspace, space, H5P_DEFAULT, vals));
    CHECK(H5Dclose(d));
    CHECK(H5Sclose(mspace));
    CHECK(H5Sclose(space));
    CHECK(H5Pclose(dcpl));
    CHECK(H5Tclose(ct));
    CHECK(H5Tclose(ft));

    CHECK(H5Fclose(f));
    CHECK(H5Pclose(fcpl));
    CHECK(H5Pclose(fapl));
}

/* ---- shared object header messages -------------------------------------- */

static void gen_sohm(void)
{
    hid_t fcpl = fcpl_new();
    CHECK(H5Pset_shared_mesg_nindexes(fcpl, 2));
    CHECK(H5Pset_shared_mesg_index(fcpl, 0, H5O_SHMESG_DTYPE_FLAG | H5O_SHMESG_SDSPACE_FLAG, 1));
    CHECK(H5Pset_shared_mesg_index(fcpl, 1, H5O_SHMESG_ATTR_FLAG | H5O_SHMESG_FILL_FLAG |
                                                H5O_SHMESG_PLINE_FLAG, 1));
    /* list up to 6 messages, then a v2 B-tree; back to a list below 4 */
    CHECK(H5Pset_shared_mesg_phase_change(fcpl, 6, 4));
    hid_t fapl = fapl_bounds(H5F_LIBVER_EARLIEST);
    hid_t f = H5Fcreate(out("sohm.h5"), H5F_ACC_TRUNC, fcpl, fapl);
    CHECK(f);

    hsize_t dims[2] = {6, 8}, chunk[2] = {3, 4};
    int32_t buf[6][8];
    for (int n = 0; n < 10; n++) {
        char name[32];
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 8; j++)
                buf[i][j] = n * 100 + i * 8 + j;
        hid_t dcpl = dcpl_new();
        CHECK(H5Pset_chunk(dcpl, 2, chunk));
        CHECK(H5Pset_deflate(dcpl, 6));
        int32_t fill = -n;
        CHECK(H5Pset_fill_value(dcpl, H5T_NATIVE_INT32, &fill));
        snprintf(name, sizeof name, "dset_%02d", n);
        hid_t space = H5Screate_simple(2, dims, NULL);
        hid_t d = H5Dcreate2(f, name, H5T_STD_I32BE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        CHECK(d);
        CHECK(H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf));
        /* the same attribute on every dataset (shared once), plus a distinct one */
        double scale = 0.25;
        write_attr(d, "scale_factor", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, NULL, &scale);
        int32_t idx = n;
        write_attr(d, "index", H5T_STD_I32LE, H5T_NATIVE_INT32, 0, NULL, &idx);
        hid_t st = H5Tcopy(H5T_C_S1);
        CHECK(H5Tset_size(st, H5T_VARIABLE));
        const char *units = "kelvin";
        write_attr(d, "units", st, st, 0, NULL, &units);
        CHECK(H5Tclose(st));
        CHECK(H5Dclose(d));
        CHECK(H5Sclose(space));
        CHECK(H5Pclose(dcpl));
    }
    CHECK(H5Fclose(f));
    CHECK(H5Pclose(fcpl));
    CHECK(H5Pclose(fapl));
}

/* ---- string padding, bitfields, NULL vlen strings ------------------------ */

static void gen_special_types(void)
{
    hid_t fcpl = fcpl_new();
    hid_t fapl = fapl_bounds(H5F_LIBVER_EARLIEST);
    hid_t f = H5Fcreate(out("special_types.h5"), H5F_ACC_TRUNC, fcpl, fapl);
    CHECK(f);

    hsize_t n4[1] = {4};
    hid_t sp = H5Tcopy(H5T_C_S1);
    CHECK(H5Tset_size(sp, 8));
    CHECK(H5Tset_strpad(sp, H5T_STR_SPACEPAD));
    const char spc[4][8] = {{'a', 'b', ' ', ' ', ' ', ' ', ' ', ' '},
                            {'s', 'p', 'a', 'c', 'e', 'd', ' ', ' '},
                            {'f', 'u', 'l', 'l', '8', 'c', 'h', 'r'},
                            {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}};
    hid_t dcpl = dcpl_new();
    write_dataset(f, "str_spacepad", sp, sp, 1, n4, dcpl, spc);
    CHECK(H5Pclose(dcpl));
    write_attr(f, "attr_spacepad", sp, sp, 1, n4, spc);
    CHECK(H5Tclose(sp));

    uint8_t b8[4] = {0x00, 0x0F, 0xF0, 0xFF};
    dcpl = dcpl_new();
    write_dataset(f, "bitfield_b8", H5T_STD_B8LE, H5T_NATIVE_B8, 1, n4, dcpl, b8);
    CHECK(H5Pclose(dcpl));
    uint16_t b16[4] = {0x0001, 0x8000, 0x1234, 0xFFFF};
    dcpl = dcpl_new();
    write_dataset(f, "bitfield_be_b16", H5T_STD_B16BE, H5T_NATIVE_B16, 1, n4, dcpl, b16);
    CHECK(H5Pclose(dcpl));

    hid_t vs = H5Tcopy(H5T_C_S1);
    CHECK(H5Tset_size(vs, H5T_VARIABLE));
    CHECK(H5Tset_cset(vs, H5T_CSET_UTF8));
    const char *strs[4] = {"first", NULL, "", "last"};
    dcpl = dcpl_new();
    write_dataset(f, "vlen_str_with_null", vs, vs, 1, n4, dcpl, strs);
    CHECK(H5Pclose(dcpl));
    const char *astrs[2] = {NULL, "set"};
    hsize_t n2[1] = {2};
    write_attr(f, "attr_vlen_str_null", vs, vs, 1, n2, astrs);
    CHECK(H5Tclose(vs));

    CHECK(H5Fclose(f));
    CHECK(H5Pclose(fcpl));
    CHECK(H5Pclose(fapl));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    snprintf(outdir, sizeof outdir, "%s", argv[1]);
    gen_sb1();
    gen_fill_old();
    gen_sohm();
    gen_special_types();
    return 0;
}
