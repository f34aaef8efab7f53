/* superblock.c - find the signature and read superblock v0-v3 (+ extension). */
#include "format.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t SIGNATURE[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

/* The signature sits at 0, 512, 1024, 2048, ... (after a user block). */
static int find_signature(h5c_file *f, uint64_t *at, h5c_error *err)
{
    for (uint64_t off = 0; off + 8 <= f->eof; off = off ? off * 2 : 512) {
        uint8_t sig[8];
        if (f->io->read(f->io, off, 8, sig, err) != 0) return -1;
        if (memcmp(sig, SIGNATURE, 8) == 0) {
            *at = off;
            return 0;
        }
    }
    return H5C_FMT(err, "not an HDF5 file: no signature found (file size %llu)",
                   (unsigned long long)f->eof);
}

static int check_sizes(h5c_file *f, uint64_t at, h5c_error *err)
{
    int ok_so = f->so == 2 || f->so == 4 || f->so == 8;
    int ok_sl = f->sl == 2 || f->sl == 4 || f->sl == 8;
    if (!ok_so || !ok_sl)
        return H5C_FMT(err, "superblock at 0x%llx: unsupported size of offsets %u / lengths %u",
                       (unsigned long long)at, f->so, f->sl);
    return 0;
}

static int read_v01(h5c_file *f, const uint8_t *b, size_t n, uint64_t at, h5c_error *err)
{
    h5c_cur c;
    h5c_cur_init(&c, b, n, at, 8, 8);
    h5c_cur_skip(&c, 9);   /* signature, version */
    h5c_cur_skip(&c, 3);   /* free-space, root symtab, reserved */
    h5c_cur_skip(&c, 1);   /* shared header version */
    f->so = h5c_cur_u8(&c);
    f->sl = h5c_cur_u8(&c);
    h5c_cur_skip(&c, 1);
    f->sym_leaf_k = h5c_cur_u16(&c);
    f->btree_k = h5c_cur_u16(&c);
    h5c_cur_skip(&c, 4);   /* consistency flags */
    f->chunk_k = 32;
    if (f->sb_version == 1) {
        f->chunk_k = h5c_cur_u16(&c);
        h5c_cur_skip(&c, 2);
    }
    if (!h5c_cur_ok(&c) || check_sizes(f, at, err) != 0)
        return h5c_cur_ok(&c) ? -1 : H5C_FMT(err, "superblock at 0x%llx: truncated", (unsigned long long)at);
    c.so = f->so;
    c.sl = f->sl;
    h5c_cur_addr(&c);      /* base address: we use the signature position */
    h5c_cur_addr(&c);      /* free-space info */
    h5c_cur_addr(&c);      /* end of file */
    h5c_cur_addr(&c);      /* driver info */
    h5c_cur_addr(&c);      /* root entry: link name offset */
    f->root_addr = h5c_cur_addr(&c);
    if (!h5c_cur_ok(&c)) return H5C_FMT(err, "superblock at 0x%llx: truncated", (unsigned long long)at);
    if (f->sym_leaf_k == 0 || f->btree_k == 0 || f->chunk_k == 0)
        return H5C_FMT(err, "superblock at 0x%llx: B-tree K of zero", (unsigned long long)at);
    return 0;
}

static int read_v23(h5c_file *f, const uint8_t *b, size_t n, uint64_t at, h5c_error *err)
{
    h5c_cur c;
    h5c_cur_init(&c, b, n, at, 8, 8);
    h5c_cur_skip(&c, 9);
    f->so = h5c_cur_u8(&c);
    f->sl = h5c_cur_u8(&c);
    h5c_cur_skip(&c, 1);   /* consistency flags */
    if (!h5c_cur_ok(&c)) return H5C_FMT(err, "superblock at 0x%llx: truncated", (unsigned long long)at);
    if (check_sizes(f, at, err) != 0) return -1;
    c.so = f->so;
    h5c_cur_addr(&c);      /* base address */
    f->ext_addr = h5c_cur_addr(&c);
    h5c_cur_addr(&c);      /* end of file */
    f->root_addr = h5c_cur_addr(&c);
    size_t body = (size_t)(c.p - c.start);
    if (!h5c_cur_ok(&c) || body + 4 > n)
        return H5C_FMT(err, "superblock at 0x%llx: truncated", (unsigned long long)at);
    f->sym_leaf_k = 4;
    f->btree_k = 16;
    f->chunk_k = 32;
    return h5c_check_sum(b, body, at, "superblock", err);
}

/* Superblock extension: shared-message table and non-default B-tree K. */
static int read_extension(h5c_file *f, h5c_error *err)
{
    h5c_ohdr oh;
    if (h5c_ohdr_read(f, f->ext_addr, &oh, err) != 0) {
        h5c_err_context(err, "superblock extension");
        return -1;
    }
    for (size_t i = 0; i < oh.nmsgs; i++) {
        const h5c_msg *m = &oh.msgs[i];
        h5c_cur c;
        h5c_file_cur(f, &c, m->data, m->size, m->addr);
        if (m->type == H5C_MSG_SHMSG_TABLE) {
            h5c_cur_u8(&c);
            f->sohm_addr = h5c_cur_addr(&c);
            f->sohm_nindexes = h5c_cur_u8(&c);
        } else if (m->type == H5C_MSG_BTREE_K) {
            h5c_cur_u8(&c);
            uint16_t ck = h5c_cur_u16(&c), gk = h5c_cur_u16(&c), lk = h5c_cur_u16(&c);
            if (h5c_cur_ok(&c) && ck && gk && lk) {
                f->chunk_k = ck;
                f->btree_k = gk;
                f->sym_leaf_k = lk;
            }
        }
        if (!h5c_cur_ok(&c)) {
            h5c_ohdr_free(&oh);
            return H5C_FMT(err, "superblock extension message 0x%x at 0x%llx: truncated", m->type,
                           (unsigned long long)m->addr);
        }
    }
    h5c_ohdr_free(&oh);
    return 0;
}

int h5c_superblock_read(h5c_file *f, h5c_error *err)
{
    uint64_t at = 0;
    if (find_signature(f, &at, err) != 0) return -1;
    uint8_t b[128] = {0};
    size_t n = f->eof - at < sizeof b ? (size_t)(f->eof - at) : sizeof b;
    if (f->io->read(f->io, at, n, b, err) != 0) return -1;
    if (n < 9) return H5C_FMT(err, "superblock at 0x%llx: truncated", (unsigned long long)at);
    f->sb_version = b[8];
    f->base = at;
    int rc;
    if (f->sb_version <= 1) rc = read_v01(f, b, n, at, err);
    else if (f->sb_version <= 3) rc = read_v23(f, b, n, at, err);
    else return H5C_UNSUP(err, "superblock version %u at 0x%llx", f->sb_version, (unsigned long long)at);
    if (rc != 0) return -1;
    if (f->root_addr == H5C_UNDEF)
        return H5C_FMT(err, "superblock at 0x%llx: no root group", (unsigned long long)at);
    if (f->ext_addr != H5C_UNDEF && read_extension(f, err) != 0) return -1;
    return 0;
}
