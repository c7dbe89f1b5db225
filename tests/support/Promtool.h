#pragma once

#include <QByteArray>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>

namespace mmf {

// What a test that needs promtool says when it is missing and MMF_REQUIRE_TOOLS=1 (CI) forbids skipping.
constexpr const char* kPromtoolRequired =
    "promtool is required (MMF_REQUIRE_TOOLS=1) but was not found; run scripts/fetch-test-tools.sh";

// Prometheus' promtool: extracted from Debian's prometheus package into the build dir by
// scripts/fetch-test-tools.sh, or installed. Empty when neither.
inline QString findPromtool()
{
    const QString local = qEnvironmentVariable("MMF_BUILD_DIR") + QStringLiteral("/promtool");
    if (QFileInfo(local).isExecutable())
        return local;
    return QStandardPaths::findExecutable(QStringLiteral("promtool"));
}

// Runs promtool with `arguments` (and `input` on its standard input); its exit code, with what it printed in
// `output`. -1 when it did not start or end within 30 s.
inline int runPromtool(const QString& promtool, const QStringList& arguments, QByteArray* output,
                       const QByteArray& input = {}, const QString& workingDirectory = {})
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    if (!workingDirectory.isEmpty())
        process.setWorkingDirectory(workingDirectory);
    process.start(promtool, arguments);
    if (!process.waitForStarted())
        return -1;
    process.write(input);
    process.closeWriteChannel();
    const bool ended = process.waitForFinished(30000);
    *output = process.readAll();
    return ended && process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

} // namespace mmf
