// The text of compiler/catalog/kubernetes.textproto, compiled into the binary.
#ifndef RBACC_COMPILER_CATALOG_BUILTIN_CATALOG_TEXT_H_
#define RBACC_COMPILER_CATALOG_BUILTIN_CATALOG_TEXT_H_

namespace rbacc {

// The built-in catalogue in protobuf text format (a rbacc.v1.Catalog).
extern const char kBuiltinCatalogText[];

}  // namespace rbacc

#endif  // RBACC_COMPILER_CATALOG_BUILTIN_CATALOG_TEXT_H_
