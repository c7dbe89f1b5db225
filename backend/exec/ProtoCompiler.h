#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace mmf {

// Compiles a model author's .proto at run time, as `protoc --include_imports --include_source_info` would:
// the result is a serialized FileDescriptorSet (dependencies first, comments and options kept), the same
// shape as a built-in model's embedded set. `protoPaths` are the import roots (protoc's -I); when empty, the
// folder of `protoFile` is the only root. Imports the roots lack are taken from the project's embedded set
// (so `import "mmf/options.proto"` works without a copy on disk) and then from the compiled-in well-known
// types.
namespace ProtoCompiler {

// invalid_argument on failure, one line per problem, each "FILE:LINE:COLUMN: message" (1-based).
Result<QByteArray> compile(const QString& protoFile, const QStringList& protoPaths);

} // namespace ProtoCompiler
} // namespace mmf
