/* qq-pb.h
 * A bounded walker over protobuf wire format, for the few protobuf fields
 * that the QQ SSO and Highway dissectors turn into filterable fields of
 * their own. Whole messages are shown by Wireshark's protobuf dissector;
 * this only finds values.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef MSNP_QQ_QQ_PB_H
#define MSNP_QQ_QQ_PB_H

#include <epan/packet.h>

typedef enum {
    QQ_PB_VARINT = 0,
    QQ_PB_FIXED64 = 1,
    QQ_PB_BYTES = 2,            /* length-delimited: strings, bytes, sub-messages */
    QQ_PB_FIXED32 = 5
} qq_pb_wire_type_t;

/* One field as found on the wire. */
typedef struct {
    uint32_t number;            /* field number */
    uint8_t wire_type;          /* qq_pb_wire_type_t */
    uint64_t value;             /* varint, fixed32 and fixed64 values */
    int start;                  /* offset of the tag */
    int value_offset;           /* offset of the value (QQ_PB_BYTES: of its bytes) */
    int value_length;           /* bytes of the value (QQ_PB_BYTES: the payload) */
} qq_pb_field_t;

/* Reads the field at *offset, which must end at or before `end` (an offset
 * into the captured bytes), and moves *offset past it. False, with *offset
 * unchanged, when the bytes there are not a whole, well-formed field
 * (varint longer than 10 bytes, field number 0, groups, a length past end). */
bool qq_pb_next(tvbuff_t *tvb, int *offset, int end, qq_pb_field_t *field);

/* The first field numbered `number` of the message in [offset, end). */
bool qq_pb_find(tvbuff_t *tvb, int offset, int end, uint32_t number, qq_pb_field_t *field);

/* Whether [offset, end) is a non-empty run of whole fields: the cheap test
 * of "this span is a protobuf message" that heuristics use. */
bool qq_pb_is_message(tvbuff_t *tvb, int offset, int end);

/* Follows a path of length-delimited fields (each the first of its number)
 * from the message in [offset, end), e.g. {1, 3} = field 3 of field 1, and
 * returns the last one. */
bool qq_pb_find_path(tvbuff_t *tvb, int offset, int end, const uint32_t *path, unsigned depth,
        qq_pb_field_t *field);

#endif
