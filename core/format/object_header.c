/* object_header.c - object headers v1/v2 with continuation blocks and
 * shared-message resolution. */
#include "format.h"
#include "../util/grow.h"

#include <stdlib.h>
#include <string.h>

#define SHARED_DEPTH_MAX 8

typedef struct oh_state {
    h5c_file *f;
    h5c_ohdr *oh;
    size_t cap;
    uint64_t conts[H5C_MAX_CONT_BLOCKS];  /* pending continuation blocks */
    uint64_t cont_lens[H5C_MAX_CONT_BLOCKS];
    size_t nconts;
} oh_state;

static int add_block(h5c_ohdr *oh, uint8_t *b, h5c_error *err)
{
    uint8_t **nb = realloc(oh->blocks, (oh->nblocks + 1) * sizeof *nb);
    if (!nb) {
        free(b);
        return H5C_NOMEM(err);
    }
    oh->blocks = nb;
    oh->blocks[oh->nblocks++] = b;
    return 0;
}

static int add_msg(oh_state *s, const h5c_msg *m, h5c_error *err)
{
    h5c_ohdr *oh = s->oh;
    if (oh->nmsgs >= H5C_MAX_HEADER_MSGS)
        return h5c_fail(err, H5C_ERR_LIMIT, "object header at 0x%llx: more than %d messages",
                        (unsigned long long)oh->addr, H5C_MAX_HEADER_MSGS);
    if (h5c_grow((void **)&oh->msgs, &s->cap, oh->nmsgs, sizeof *oh->msgs) != 0) return H5C_NOMEM(err);
    oh->msgs[oh->nmsgs++] = *m;
    return 0;
}

/* Record a continuation message; refuse a block already queued (cycle). */
static int note_continuation(oh_state *s, const h5c_msg *m, h5c_error *err)
{
    h5c_cur c;
    h5c_file_cur(s->f, &c, m->data, m->size, m->addr);
    uint64_t addr = h5c_cur_addr(&c), len = h5c_cur_len(&c);
    if (!h5c_cur_ok(&c))
        return H5C_FMT(err, "object header at 0x%llx: truncated continuation message at 0x%llx",
                       (unsigned long long)s->oh->addr, (unsigned long long)m->addr);
    if (addr == s->oh->addr) goto cycle;
    for (size_t i = 0; i < s->nconts; i++)
        if (s->conts[i] == addr) goto cycle;
    if (s->nconts >= H5C_MAX_CONT_BLOCKS)
        return h5c_fail(err, H5C_ERR_LIMIT, "object header at 0x%llx: too many continuation blocks",
                        (unsigned long long)s->oh->addr);
    s->conts[s->nconts] = addr;
    s->cont_lens[s->nconts++] = len;
    return 0;
cycle:
    return H5C_FMT(err, "object header at 0x%llx: continuation block 0x%llx appears twice (cycle)",
                   (unsigned long long)s->oh->addr, (unsigned long long)addr);
}

static int handle_msg(oh_state *s, h5c_msg *m, h5c_error *err)
{
    if (m->type == H5C_MSG_CONTINUATION) return note_continuation(s, m, err);
    if (m->type == H5C_MSG_NIL) return 0;
    return add_msg(s, m, err);
}

/* v1 messages: type u16, size u16, flags u8, 3 reserved, data padded to 8. */
static int parse_v1_msgs(oh_state *s, const uint8_t *b, size_t n, uint64_t addr, h5c_error *err)
{
    h5c_cur c;
    h5c_file_cur(s->f, &c, b, n, addr);
    while (h5c_cur_left(&c) >= 8) {
        h5c_msg m;
        m.type = h5c_cur_u16(&c);
        m.size = h5c_cur_u16(&c);
        m.flags = h5c_cur_u8(&c);
        h5c_cur_skip(&c, 3);
        m.addr = h5c_cur_pos(&c);
        m.data = h5c_cur_take(&c, m.size);
        if (!m.data)
            return H5C_FMT(err, "object header at 0x%llx: message 0x%x at 0x%llx (size %u) runs past its block",
                           (unsigned long long)s->oh->addr, m.type, (unsigned long long)m.addr, m.size);
        if (handle_msg(s, &m, err) != 0) return -1;
    }
    return 0;
}

/* v2 messages: type u8, size u16, flags u8, [corder u16]; a tail shorter
 * than a message header is a gap. */
static int parse_v2_msgs(oh_state *s, const uint8_t *b, size_t n, uint64_t addr, h5c_error *err)
{
    h5c_cur c;
    h5c_file_cur(s->f, &c, b, n, addr);
    size_t hdr = (s->oh->flags & 0x04) ? 6 : 4;
    while (h5c_cur_left(&c) >= hdr) {
        h5c_msg m;
        m.type = h5c_cur_u8(&c);
        m.size = h5c_cur_u16(&c);
        m.flags = h5c_cur_u8(&c);
        if (hdr == 6) h5c_cur_u16(&c);
        m.addr = h5c_cur_pos(&c);
        m.data = h5c_cur_take(&c, m.size);
        if (!m.data)
            return H5C_FMT(err, "object header at 0x%llx: message 0x%x at 0x%llx (size %u) runs past its block",
                           (unsigned long long)s->oh->addr, m.type, (unsigned long long)m.addr, m.size);
        if (handle_msg(s, &m, err) != 0) return -1;
    }
    return 0;
}

static int read_v1_prefix(oh_state *s, h5c_error *err)
{
    h5c_ohdr *oh = s->oh;
    uint8_t *p = h5c_meta_read(s->f, oh->addr, 16, "object header", err);
    if (!p) return -1;
    uint32_t size = (uint32_t)h5c_le(p + 8, 4);
    free(p);
    uint8_t *b = h5c_meta_read(s->f, oh->addr + 16, size, "object header", err);
    if (!b || add_block(oh, b, err) != 0) return -1;
    return parse_v1_msgs(s, b, size, oh->addr + 16, err);
}

static int read_v2_prefix(oh_state *s, h5c_error *err)
{
    h5c_ohdr *oh = s->oh;
    size_t got;
    uint8_t *p = h5c_meta_read_upto(s->f, oh->addr, 64, &got, "object header", err);
    if (!p) return -1;
    h5c_cur c;
    h5c_file_cur(s->f, &c, p, got, oh->addr);
    h5c_cur_skip(&c, 5);
    oh->flags = h5c_cur_u8(&c);
    if (oh->flags & 0x20) h5c_cur_skip(&c, 16);
    if (oh->flags & 0x10) h5c_cur_skip(&c, 4);
    uint64_t size0 = h5c_cur_uint(&c, 1u << (oh->flags & 3));
    size_t prefix = (size_t)(c.p - c.start);
    int ok = h5c_cur_ok(&c);
    free(p);
    if (!ok) return H5C_FMT(err, "object header at 0x%llx: truncated prefix", (unsigned long long)oh->addr);
    if (size0 > H5C_MAX_META_BLOCK)
        return h5c_fail(err, H5C_ERR_LIMIT, "object header at 0x%llx: chunk size %llu too large",
                        (unsigned long long)oh->addr, (unsigned long long)size0);
    size_t total = prefix + (size_t)size0 + 4;
    uint8_t *b = h5c_meta_read(s->f, oh->addr, total, "object header", err);
    if (!b || add_block(oh, b, err) != 0) return -1;
    if (h5c_check_sum(b, total - 4, oh->addr, "object header", err) != 0) return -1;
    return parse_v2_msgs(s, b + prefix, (size_t)size0, oh->addr + prefix, err);
}

static int read_continuation(oh_state *s, uint64_t addr, uint64_t len, h5c_error *err)
{
    if (len > H5C_MAX_META_BLOCK)
        return h5c_fail(err, H5C_ERR_LIMIT, "object header at 0x%llx: continuation at 0x%llx too large",
                        (unsigned long long)s->oh->addr, (unsigned long long)addr);
    uint8_t *b = h5c_meta_read(s->f, addr, (size_t)len, "object header continuation", err);
    if (!b || add_block(s->oh, b, err) != 0) return -1;
    if (s->oh->version == 1) return parse_v1_msgs(s, b, (size_t)len, addr, err);
    if (len < 8 || memcmp(b, "OCHK", 4) != 0)
        return H5C_FMT(err, "object header at 0x%llx: continuation block at 0x%llx: bad signature",
                       (unsigned long long)s->oh->addr, (unsigned long long)addr);
    if (h5c_check_sum(b, (size_t)len - 4, addr, "object header continuation", err) != 0) return -1;
    return parse_v2_msgs(s, b + 4, (size_t)len - 8, addr + 4, err);
}

/* Nesting of shared-message lookups on this thread (a message shared into
 * a header whose message is shared again...): bounded to stop cycles. */
static _Thread_local int shared_depth;

int h5c_shared_resolve(h5c_file *f, uint16_t type, const uint8_t *p, size_t len, uint64_t addr,
                       uint8_t **out, size_t *outlen, h5c_error *err)
{
    h5c_cur c;
    h5c_file_cur(f, &c, p, len, addr);
    uint8_t version = h5c_cur_u8(&c), kind = h5c_cur_u8(&c);
    /* version 1 stores a symbol-table entry: reserved bytes and the entry's
     * name-offset field come before the object header address */
    if (version == 1) {
        h5c_cur_skip(&c, 6);
        h5c_cur_len(&c);
    }
    if (!h5c_cur_ok(&c) || version < 1 || version > 3)
        return H5C_FMT(err, "shared message 0x%x at 0x%llx: bad version %u", type, (unsigned long long)addr, version);
    if (version == 3 && kind == 1) {
        const uint8_t *id = h5c_cur_take(&c, 8);
        if (!id) return H5C_FMT(err, "shared message at 0x%llx: truncated", (unsigned long long)addr);
        return h5c_sohm_get(f, type, id, out, outlen, err);
    }
    uint64_t target = h5c_cur_addr(&c);
    if (!h5c_cur_ok(&c)) return H5C_FMT(err, "shared message at 0x%llx: truncated", (unsigned long long)addr);
    if (shared_depth >= SHARED_DEPTH_MAX)
        return H5C_FMT(err, "shared message at 0x%llx: too many levels of sharing", (unsigned long long)addr);
    h5c_ohdr t;
    shared_depth++;
    int rc = h5c_ohdr_read(f, target, &t, err);
    shared_depth--;
    if (rc != 0) return -1;
    const h5c_msg *tm = h5c_ohdr_find(&t, type);
    if (!tm) {
        h5c_ohdr_free(&t);
        return H5C_FMT(err, "shared message at 0x%llx: object 0x%llx holds no message of type 0x%x",
                       (unsigned long long)addr, (unsigned long long)target, type);
    }
    *outlen = tm->size;
    *out = malloc(tm->size ? tm->size : 1);
    if (*out) memcpy(*out, tm->data, tm->size);
    h5c_ohdr_free(&t);
    return *out ? 0 : H5C_NOMEM(err);
}

/* Replace a shared message's body with the message it points at. */
static int resolve_shared(h5c_file *f, h5c_ohdr *oh, h5c_msg *m, h5c_error *err)
{
    uint8_t *body;
    size_t len;
    if (h5c_shared_resolve(f, m->type, m->data, m->size, m->addr, &body, &len, err) != 0) return -1;
    if (add_block(oh, body, err) != 0) return -1;
    m->data = body;
    m->size = (uint32_t)len;
    m->flags &= (uint8_t)~0x02;
    return 0;
}

static int check_unknown(h5c_ohdr *oh, h5c_error *err)
{
    for (size_t i = 0; i < oh->nmsgs; i++) {
        const h5c_msg *m = &oh->msgs[i];
        if (m->type > H5C_MSG_FSINFO && (m->flags & 0x80))
            return H5C_UNSUP(err, "object header at 0x%llx: unknown message type 0x%x flagged fail-if-unknown",
                             (unsigned long long)oh->addr, m->type);
    }
    return 0;
}

int h5c_ohdr_read(h5c_file *f, uint64_t addr, h5c_ohdr *oh, h5c_error *err)
{
    memset(oh, 0, sizeof *oh);
    oh->addr = addr;
    oh_state *s = calloc(1, sizeof *s);
    if (!s) return H5C_NOMEM(err);
    s->f = f;
    s->oh = oh;
    int rc = -1;
    uint8_t first[5];
    if (h5c_raw_read(f, addr, 5, first, err) != 0) {
        h5c_err_context(err, "object header at 0x%llx", (unsigned long long)addr);
        goto done;
    }
    if (memcmp(first, "OHDR", 4) == 0) {
        oh->version = first[4];
        if (oh->version != 2) {
            H5C_FMT(err, "object header at 0x%llx: unknown version %u", (unsigned long long)addr, oh->version);
            goto done;
        }
        if (read_v2_prefix(s, err) != 0) goto done;
    } else if (first[0] == 1) {
        oh->version = 1;
        if (read_v1_prefix(s, err) != 0) goto done;
    } else {
        H5C_FMT(err, "object header at 0x%llx: bad signature or version", (unsigned long long)addr);
        goto done;
    }
    for (size_t i = 0; i < s->nconts; i++)
        if (read_continuation(s, s->conts[i], s->cont_lens[i], err) != 0) goto done;
    for (size_t i = 0; i < oh->nmsgs; i++)
        if ((oh->msgs[i].flags & 0x02) && resolve_shared(f, oh, &oh->msgs[i], err) != 0) goto done;
    rc = check_unknown(oh, err);
done:
    free(s);
    if (rc != 0) h5c_ohdr_free(oh);
    return rc;
}


void h5c_ohdr_free(h5c_ohdr *oh)
{
    for (size_t i = 0; i < oh->nblocks; i++) free(oh->blocks[i]);
    free(oh->blocks);
    free(oh->msgs);
    memset(oh, 0, sizeof *oh);
}

const h5c_msg *h5c_ohdr_find(const h5c_ohdr *oh, uint16_t type)
{
    for (size_t i = 0; i < oh->nmsgs; i++)
        if (oh->msgs[i].type == type) return &oh->msgs[i];
    return NULL;
}
