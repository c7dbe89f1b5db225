#include "exec/ExecModelBase.h"

#include "exec/ExecSchema.h"

#include <google/protobuf/descriptor.h>

#include <stdexcept>

namespace mmf {

ExecModelBase::ExecModelBase(std::shared_ptr<const ExecSchema> schema)
    : m_schema(std::move(schema))
{}

const google::protobuf::Descriptor* ExecModelBase::requestDescriptor() const
{
    return m_schema->request();
}

const google::protobuf::Descriptor* ExecModelBase::responseDescriptor() const
{
    return m_schema->response();
}

QByteArray ExecModelBase::descriptorSet() const
{
    return m_schema->descriptorSet();
}

void ExecModelBase::failAttempt(const QString& message)
{
    throw std::runtime_error(message.toStdString());
}

Result<QByteArray> ExecModelBase::convertRequest(const QByteArray& request) const
{
    Result<QByteArray> json = m_schema->requestToJson(request);
    if (!json)
        return Error::internal(
            QStringLiteral("cannot convert the request to JSON: %1").arg(json.error().message));
    return json;
}

Result<QByteArray> ExecModelBase::convertResponse(const QByteArray& json) const
{
    Result<QByteArray> bytes = m_schema->responseFromJson(json);
    if (!bytes)
        return Error::internal(
            QStringLiteral("the model's result is not a valid %1: %2")
                .arg(QString::fromStdString(m_schema->response()->full_name()), bytes.error().message));
    return bytes;
}

QByteArray ExecModelBase::requestJson(const QByteArray& request) const
{
    Result<QByteArray> json = convertRequest(request);
    if (!json)
        failAttempt(json.error().message);
    return *json;
}

QByteArray ExecModelBase::responseBytes(const QByteArray& json) const
{
    Result<QByteArray> bytes = convertResponse(json);
    if (!bytes)
        failAttempt(bytes.error().message);
    return *bytes;
}

} // namespace mmf
