#pragma once

#include "core/Result.h"
#include "worker/Model.h"

#include <memory>

namespace mmf {

class ExecSchema;

// What both kinds of process model (ExecModel, ExecPerTaskModel) share: the types compiled from the author's
// .proto at start, and the conversions a task needs on the way in and out.
class ExecModelBase : public ModelBase
{
public:
    explicit ExecModelBase(std::shared_ptr<const ExecSchema> schema);

    const google::protobuf::Descriptor* requestDescriptor() const override;
    const google::protobuf::Descriptor* responseDescriptor() const override;
    QByteArray descriptorSet() const override;

protected:
    // Fails the attempt (it is retried): the runtime treats a throw from processBytes() so.
    [[noreturn]] static void failAttempt(const QString& message);
    // Request bytes → canonical JSON; the process's JSON → response bytes. The errors say what is wrong,
    // the second's "the model's result is not a valid <type>: <field and why>"; requestJson() and
    // responseBytes() fail the attempt with them.
    Result<QByteArray> convertRequest(const QByteArray& request) const;
    Result<QByteArray> convertResponse(const QByteArray& json) const;
    QByteArray requestJson(const QByteArray& request) const;
    QByteArray responseBytes(const QByteArray& json) const;

private:
    std::shared_ptr<const ExecSchema> m_schema;
};

} // namespace mmf
