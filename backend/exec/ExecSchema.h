#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

namespace google::protobuf {
class Descriptor;
}

namespace mmf {

class DescriptorSet;

// The request and response types of a model run as a process, compiled from its .proto at start, and the
// conversions between the runtime's bytes and the canonical JSON the process speaks.
class ExecSchema
{
public:
    // Compiles `protoFile` (see ProtoCompiler) and looks the two types up. invalid_argument naming the file
    // and line of a syntax or type error, or the missing type and the message types the file defines.
    static Result<std::shared_ptr<const ExecSchema>> load(const QString& protoFile,
                                                          const QStringList& protoPaths,
                                                          const QString& requestType,
                                                          const QString& responseType);

    const google::protobuf::Descriptor* request() const { return m_request; }
    const google::protobuf::Descriptor* response() const { return m_response; }
    // Serialized FileDescriptorSet with comments, for registration.
    const QByteArray& descriptorSet() const;

    // Request bytes → canonical JSON (compact, one line).
    Result<QByteArray> requestToJson(const QByteArray& bytes) const;
    // The process's result JSON → response bytes; invalid_argument naming the field that does not fit.
    Result<QByteArray> responseFromJson(const QByteArray& json) const;

private:
    std::shared_ptr<const DescriptorSet> m_set;
    const google::protobuf::Descriptor* m_request = nullptr;
    const google::protobuf::Descriptor* m_response = nullptr;
};

} // namespace mmf
