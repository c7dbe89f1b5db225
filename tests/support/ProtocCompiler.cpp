#include "ProtocCompiler.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace mmf {

QByteArray ProtocCompiler::compile(const QString& protoText, QString* error)
{
    const QString protoc = QStandardPaths::findExecutable(QStringLiteral("protoc"));
    if (protoc.isEmpty()) {
        *error = QStringLiteral("protoc not found");
        return {};
    }
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("test.proto")));
    if (!file.open(QIODevice::WriteOnly) || file.write(protoText.toUtf8()) < 0) {
        *error = QStringLiteral("cannot write test.proto");
        return {};
    }
    file.close();
    QProcess process;
    process.setWorkingDirectory(dir.path());
    process.start(protoc, {QStringLiteral("--include_imports"), QStringLiteral("--include_source_info"),
                           QStringLiteral("--descriptor_set_out=set.pb"), QStringLiteral("-I."),
                           QStringLiteral("-I") + QStringLiteral(MMF_SOURCE_DIR) + QStringLiteral("/proto"),
                           QStringLiteral("test.proto")});
    if (!process.waitForFinished(30000) || process.exitCode() != 0) {
        *error = QString::fromUtf8(process.readAllStandardError());
        return {};
    }
    QFile out(dir.filePath(QStringLiteral("set.pb")));
    if (!out.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("protoc wrote no set");
        return {};
    }
    return out.readAll();
}

} // namespace mmf
