#include "exec/ExecSchema.h"

#include "exec/ProtoCompiler.h"
#include "schema/DescriptorSet.h"
#include "schema/ProtoJson.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

namespace mmf {

namespace {

// The message types `file` and its nested scopes define, for a helpful "no such type" message.
void listMessages(const google::protobuf::Descriptor* type, QStringList& names)
{
    names.append(QString::fromStdString(type->full_name()));
    for (int i = 0; i < type->nested_type_count(); ++i)
        if (!type->nested_type(i)->options().map_entry())
            listMessages(type->nested_type(i), names);
}

} // namespace

Result<std::shared_ptr<const ExecSchema>> ExecSchema::load(const QString& protoFile,
                                                           const QStringList& protoPaths,
                                                           const QString& requestType,
                                                           const QString& responseType)
{
    Result<QByteArray> compiled = ProtoCompiler::compile(protoFile, protoPaths);
    if (!compiled)
        return compiled.error();
    Result<std::shared_ptr<const DescriptorSet>> set = DescriptorSet::fromSerialized(*compiled);
    if (!set)
        return set.error();

    auto schema = std::shared_ptr<ExecSchema>(new ExecSchema);
    schema->m_set = *set;
    // The file given comes last in the compiled set (dependencies first): list what it defines.
    google::protobuf::FileDescriptorSet files;
    files.ParseFromArray(compiled->constData(), int(compiled->size()));
    QStringList known;
    if (files.file_size() > 0) {
        if (const auto* file =
                schema->m_set->pool()->FindFileByName(files.file(files.file_size() - 1).name()))
            for (int i = 0; i < file->message_type_count(); ++i)
                listMessages(file->message_type(i), known);
    }
    const auto find = [&](const QString& option, const QString& name,
                          const google::protobuf::Descriptor*& into) -> Result<void> {
        into = schema->m_set->findMessage(name);
        if (into)
            return {};
        return Error::invalidArgument(
            QStringLiteral("%1: %2 defines no message type '%3' (it defines: %4)")
                .arg(option, protoFile, name, known.isEmpty() ? QStringLiteral("none") : known.join(u", ")),
            option);
    };
    if (Result<void> r = find(QStringLiteral("--request"), requestType, schema->m_request); !r)
        return r.error();
    if (Result<void> r = find(QStringLiteral("--response"), responseType, schema->m_response); !r)
        return r.error();
    return std::shared_ptr<const ExecSchema>(std::move(schema));
}

const QByteArray& ExecSchema::descriptorSet() const
{
    return m_set->serialized();
}

Result<QByteArray> ExecSchema::requestToJson(const QByteArray& bytes) const
{
    return ProtoJson::binaryToJson(*m_set, m_request, bytes);
}

Result<QByteArray> ExecSchema::responseFromJson(const QByteArray& json) const
{
    return ProtoJson::jsonToBinary(*m_set, m_response, json);
}

} // namespace mmf
