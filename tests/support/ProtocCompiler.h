#pragma once

#include <QByteArray>
#include <QString>

namespace mmf {

// Runs protoc on one .proto text, as the build makes the embedded descriptor set: a FileDescriptorSet with
// its imports (the repository's proto/ is on the path) and source info (comments).
class ProtocCompiler
{
public:
    // The serialized set, or empty with `error` saying why (protoc missing, a compile error and its output).
    static QByteArray compile(const QString& protoText, QString* error);
};

} // namespace mmf
