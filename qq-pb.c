/* qq-pb.c
 * Bounded protobuf wire-format walker (see qq-pb.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qq-pb.h"
#include "ws-compat.h"

#define QQ_PB_MAX_VARINT_BYTES 10

/* A varint of at most 10 bytes ending before `end`; its byte count, or 0. */
static int
read_varint(tvbuff_t *tvb, int offset, int end, uint64_t *value)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < QQ_PB_MAX_VARINT_BYTES && offset + i < end; i++) {
        uint8_t b = tvb_get_uint8(tvb, offset + i);
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *value = v;
            return i + 1;
        }
    }
    return 0;
}

/* The value's span for a wire type, or false for groups and unknown types. */
static bool
read_value(tvbuff_t *tvb, int offset, int end, qq_pb_field_t *field)
{
    int n;

    field->value_offset = offset;
    switch (field->wire_type) {
    case QQ_PB_VARINT:
        n = read_varint(tvb, offset, end, &field->value);
        field->value_length = n;
        return n > 0;
    case QQ_PB_FIXED64:
        if (end - offset < 8)
            return false;
        field->value = tvb_get_letoh64(tvb, offset);
        field->value_length = 8;
        return true;
    case QQ_PB_FIXED32:
        if (end - offset < 4)
            return false;
        field->value = tvb_get_letohl(tvb, offset);
        field->value_length = 4;
        return true;
    case QQ_PB_BYTES:
        n = read_varint(tvb, offset, end, &field->value);
        if (n == 0 || field->value > (uint64_t)(end - offset - n))
            return false;
        field->value_offset = offset + n;
        field->value_length = (int)field->value;
        return true;
    default:
        return false;       /* groups (3, 4) are long obsolete; 6 and 7 do not exist */
    }
}

bool
qq_pb_next(tvbuff_t *tvb, int *offset, int end, qq_pb_field_t *field)
{
    uint64_t tag;
    int n;

    if (*offset < 0 || end > (int)tvb_captured_length(tvb) || *offset >= end)
        return false;
    n = read_varint(tvb, *offset, end, &tag);
    if (n == 0 || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff)
        return false;
    field->start = *offset;
    field->number = (uint32_t)(tag >> 3);
    field->wire_type = (uint8_t)(tag & 7);
    if (!read_value(tvb, *offset + n, end, field))
        return false;
    *offset = field->value_offset + field->value_length;
    return true;
}

bool
qq_pb_find(tvbuff_t *tvb, int offset, int end, uint32_t number, qq_pb_field_t *field)
{
    while (qq_pb_next(tvb, &offset, end, field)) {
        if (field->number == number)
            return true;
    }
    return false;
}

bool
qq_pb_is_message(tvbuff_t *tvb, int offset, int end)
{
    qq_pb_field_t field;

    if (offset >= end)
        return false;
    while (offset < end) {
        if (!qq_pb_next(tvb, &offset, end, &field))
            return false;
    }
    return true;
}

bool
qq_pb_find_path(tvbuff_t *tvb, int offset, int end, const uint32_t *path, unsigned depth,
        qq_pb_field_t *field)
{
    unsigned i;

    for (i = 0; i < depth; i++) {
        if (!qq_pb_find(tvb, offset, end, path[i], field))
            return false;
        if (i + 1 < depth) {
            if (field->wire_type != QQ_PB_BYTES)
                return false;
            offset = field->value_offset;
            end = field->value_offset + field->value_length;
        }
    }
    return depth > 0;
}
