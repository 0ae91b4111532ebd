// A canonical byte form of a protobuf message, for digests: defined here, not
// by protobuf's wire format, whose "deterministic" serialization may differ
// between protobuf versions (and, for maps, between builds).
#ifndef RBACC_COMPILER_LOAD_CANONICAL_BYTES_H_
#define RBACC_COMPILER_LOAD_CANONICAL_BYTES_H_

#include <string>

#include "google/protobuf/message.h"

namespace rbacc {

// Returns `message` in this canonical form. Only the fields that are set
// appear (a proto3 scalar equal to its default is not set), in field-number
// order, each as its decimal number, ':', then its value:
//   - an integer, a bool (0 or 1) or an enum (its number): decimal, then ';'
//   - a float or double: C's "%a" (exact hexadecimal), then ';'
//   - a string or bytes: its length in decimal, '"', then the bytes
//   - a message: '{', its fields as above, '}'
//   - a repeated field: '[', its values in order, ']'; a map field's entries
//     (each a message of key 1 and value 2) sorted by their canonical bytes,
//     which is by key
// Unknown fields are left out. Never fails.
std::string CanonicalBytes(const google::protobuf::Message& message);

}  // namespace rbacc

#endif  // RBACC_COMPILER_LOAD_CANONICAL_BYTES_H_
