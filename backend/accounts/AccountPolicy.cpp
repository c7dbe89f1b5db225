#include "accounts/AccountPolicy.h"

#include <QRegularExpression>

namespace mmf::AccountPolicy {

namespace {
constexpr qsizetype kMinPassword = 10;
constexpr qsizetype kMaxPassword = 1024;
} // namespace

Result<void> checkLogin(QByteArrayView login)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_.-]{3,64}$"));
    if (!re.match(QString::fromUtf8(login)).hasMatch())
        return Error::invalidArgument(QStringLiteral("login must be 3 to 64 of A-Z, a-z, 0-9, '_', '.', '-'"),
                                      QStringLiteral("login"));
    return {};
}

Result<void> checkPassword(QByteArrayView password)
{
    if (password.size() < kMinPassword || password.size() > kMaxPassword)
        return Error::invalidArgument(
            QStringLiteral("password must be %1 to %2 bytes long").arg(kMinPassword).arg(kMaxPassword),
            QStringLiteral("password"));
    return {};
}

Result<void> checkProject(QByteArrayView project, const char* field)
{
    static const QRegularExpression re(QStringLiteral("^[a-z][a-z0-9_-]{0,62}$"));
    if (!re.match(QString::fromUtf8(project)).hasMatch())
        return Error::invalidArgument(QStringLiteral("project names match [a-z][a-z0-9_-]{0,62}"),
                                      QString::fromLatin1(field));
    return {};
}

QList<QByteArray> allMethods()
{
    return {"score", "read", "serve", "admin", "train"};
}

Result<QList<QByteArray>> checkMethods(const QList<QByteArray>& methods, const char* field)
{
    const QList<QByteArray> known = allMethods();
    QList<QByteArray> out;
    for (const QByteArray& method : methods) {
        if (!known.contains(method))
            return Error::invalidArgument(
                QStringLiteral("unknown method '%1' (score, read, serve, admin, train)")
                    .arg(QString::fromUtf8(method.left(32))),
                QString::fromLatin1(field));
        if (!out.contains(method))
            out.append(method);
    }
    if (out.isEmpty())
        return Error::invalidArgument(QStringLiteral("methods must name at least one method"),
                                      QString::fromLatin1(field));
    return out;
}

} // namespace mmf::AccountPolicy
