#include "tools/LatencyLog.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <utility>

namespace mmf {

Result<LatencyLog> LatencyLog::open(const QString& path)
{
    std::FILE* file = std::fopen(QFile::encodeName(path).constData(), "w");
    if (!file)
        return Error::invalidArgument(QStringLiteral("--latency-log: cannot open %1: %2")
                                          .arg(path, QString::fromLocal8Bit(std::strerror(errno))),
                                      QStringLiteral("latency-log"));
    return LatencyLog(file, path);
}

LatencyLog::LatencyLog(std::FILE* file, QString path)
    : m_file(file)
    , m_path(std::move(path))
{}

LatencyLog::LatencyLog(LatencyLog&& other) noexcept
    : m_file(std::exchange(other.m_file, nullptr))
    , m_path(std::move(other.m_path))
{}

LatencyLog& LatencyLog::operator=(LatencyLog&& other) noexcept
{
    if (this != &other) {
        (void)close();
        m_file = std::exchange(other.m_file, nullptr);
        m_path = std::move(other.m_path);
    }
    return *this;
}

LatencyLog::~LatencyLog()
{
    (void)close();
}

void LatencyLog::add(double submittedUnixMs, qint64 latencyNs, const QByteArray& taskId, bool succeeded)
{
    if (!m_file)
        return;
    const QByteArray id = taskId.isEmpty() ? QByteArrayLiteral("-") : taskId; // keeps four fields a line
    std::fprintf(m_file, "%.3f %.3f %.*s %s\n", submittedUnixMs, double(latencyNs) / 1e6, int(id.size()),
                 id.constData(), succeeded ? "succeeded" : "failed");
}

Result<void> LatencyLog::close()
{
    if (!m_file)
        return {};
    const bool failed = std::ferror(m_file) != 0;
    const bool closeFailed = std::fclose(m_file) != 0;
    m_file = nullptr;
    if (failed || closeFailed)
        return Error::internal(QStringLiteral("--latency-log: writing %1 failed").arg(m_path));
    return {};
}

} // namespace mmf
