#include "exec/ProtoCompiler.h"

#include "schema/DescriptorFiles.h"
#include "schema/DescriptorSet.h"

#include <google/protobuf/compiler/importer.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/descriptor_database.h>

#include <QDir>
#include <QFileInfo>

#include <memory>

namespace gp = google::protobuf;

namespace mmf {

namespace {

QString qs(const std::string& s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// Collects parse and validation errors as "file:line:column: message" (protobuf counts from 0).
class LineErrorCollector final : public gp::compiler::MultiFileErrorCollector
{
public:
    void AddError(const std::string& filename, int line, int column, const std::string& message) override
    {
        QString where = qs(filename);
        if (line >= 0)
            where += QStringLiteral(":%1:%2").arg(line + 1).arg(column + 1);
        m_lines.append(where + QStringLiteral(": ") + qs(message));
    }
    QStringList m_lines;
};

} // namespace

Result<QByteArray> ProtoCompiler::compile(const QString& protoFile, const QStringList& protoPaths)
{
    const QFileInfo info(protoFile);
    if (!info.isFile() || !info.isReadable())
        return Error::invalidArgument(QStringLiteral("%1: no such readable file").arg(protoFile),
                                      QStringLiteral("--proto"));

    gp::compiler::DiskSourceTree tree;
    const QStringList roots = protoPaths.isEmpty() ? QStringList{info.absolutePath()} : protoPaths;
    for (const QString& root : roots)
        tree.MapPath("", QDir(root).absolutePath().toStdString());
    std::string virtualName;
    std::string shadowing;
    const auto mapped =
        tree.DiskFileToVirtualFile(info.absoluteFilePath().toStdString(), &virtualName, &shadowing);
    if (mapped != gp::compiler::DiskSourceTree::SUCCESS)
        return Error::invalidArgument(
            mapped == gp::compiler::DiskSourceTree::SHADOWED
                ? QStringLiteral("%1: shadowed by %2 on the proto path").arg(protoFile, qs(shadowing))
                : QStringLiteral("%1: not under any --proto-path (%2)").arg(protoFile, roots.join(u", ")),
            QStringLiteral("--proto"));

    // What the roots lack: the project's protos as embedded (comments kept), then the compiled-in
    // well-known types.
    gp::SimpleDescriptorDatabase builtinDb;
    if (const std::shared_ptr<const DescriptorSet> builtin = DescriptorSet::builtin()) {
        gp::FileDescriptorSet files;
        if (files.ParseFromArray(builtin->serialized().constData(), int(builtin->serialized().size()))) {
            for (const gp::FileDescriptorProto& proto : files.file())
                builtinDb.Add(proto);
        }
    }
    gp::DescriptorPoolDatabase generatedDb(*gp::DescriptorPool::generated_pool());
    gp::MergedDescriptorDatabase fallback(&builtinDb, &generatedDb);
    gp::compiler::SourceTreeDescriptorDatabase database(&tree, &fallback);
    LineErrorCollector errors;
    database.RecordErrorsTo(&errors);
    gp::DescriptorPool pool(&database, database.GetValidationErrorCollector());

    const gp::FileDescriptor* file = pool.FindFileByName(virtualName);
    if (!file || !errors.m_lines.isEmpty()) {
        if (errors.m_lines.isEmpty())
            errors.m_lines.append(qs(virtualName) + QStringLiteral(": cannot be compiled"));
        return Error::invalidArgument(errors.m_lines.join(u'\n'), QStringLiteral("--proto"));
    }

    return DescriptorFiles::collect({file}, true);
}

} // namespace mmf
