#include "gateway/ProjectController.h"

#include "accounts/AccountPolicy.h"
#include "accounts/AccountStore.h"
#include "gateway/ApiError.h"
#include "gateway/JsonBody.h"
#include "gateway/ServeRevocation.h"
#include "http/HttpRequest.h"
#include "http/HttpResponder.h"

#include <QJsonArray>
#include <QJsonObject>

#include <memory>

namespace mmf {

namespace {

QJsonArray methodsJson(const QList<QByteArray>& methods)
{
    QJsonArray out;
    for (const QByteArray& method : methods)
        out.append(QString::fromLatin1(method));
    return out;
}

QJsonObject memberJson(const AccountStore::Member& member)
{
    return QJsonObject{{QStringLiteral("user_id"), QString::fromLatin1(member.userId)},
                       {QStringLiteral("login"), QString::fromUtf8(member.login)},
                       {QStringLiteral("methods"), methodsJson(member.methods)}};
}

} // namespace

ProjectController::ProjectController(AccountStore& accounts, ServeRevocation& revocation)
    : m_accounts(accounts)
    , m_revocation(revocation)
{}

void ProjectController::registerRoutes(ApiRoutes& routes)
{
    routes.add(
        "GET", "/api/v1/projects", RouteAccess::method("read"),
        [this](HttpRequest&, const HttpResponder& responder, const RouteParams&, const Caller& caller) {
            if (caller.isSuperuser())
                listAll(responder);
            else
                listOwn(responder, caller);
        });
    routes.add("PUT", "/api/v1/projects/{project}/members/{login}", RouteAccess::method("admin").inProject(),
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams& params,
                      const Caller&) { putMember(request, responder, params); });
    routes.add("DELETE", "/api/v1/projects/{project}/members/{login}",
               RouteAccess::method("admin").inProject(),
               [this](HttpRequest&, const HttpResponder& responder, const RouteParams& params,
                      const Caller&) { deleteMember(responder, params); });
}

void ProjectController::listOwn(const HttpResponder& responder, const Caller& caller)
{
    // The admin of the token's project also sees who belongs to it.
    const QByteArray administered = caller.administers(QByteArray::fromStdString(caller.claims->project_id()))
                                        ? QByteArray::fromStdString(caller.claims->project_id())
                                        : QByteArray();
    m_accounts.membershipsOf(QByteArray::fromStdString(caller.claims->user_id()), [this, responder,
                                                                                   administered](
                                                                                      Result<
                                                                                          QList<AccountStore::
                                                                                                    Member>>
                                                                                          memberships) {
        if (!memberships)
            return ApiError::send(responder, memberships.error());
        auto projects = std::make_shared<QJsonArray>();
        qsizetype administeredAt = -1;
        for (const AccountStore::Member& m : *memberships) {
            if (m.project == administered)
                administeredAt = projects->size();
            projects->append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(m.project)},
                                         {QStringLiteral("methods"), methodsJson(m.methods)}});
        }
        auto send = [responder, projects] {
            responder.sendJson(200, JsonBody::compact(QJsonObject{{QStringLiteral("projects"), *projects}}));
        };
        if (administeredAt < 0)
            return send();
        m_accounts.members(administered, [responder, projects, administeredAt,
                                          send](Result<QList<AccountStore::Member>> members) {
            if (!members)
                return ApiError::send(responder, members.error());
            QJsonArray list;
            for (const AccountStore::Member& m : *members)
                list.append(memberJson(m));
            QJsonObject entry = projects->at(administeredAt).toObject();
            entry.insert(QStringLiteral("members"), list);
            projects->replace(administeredAt, entry);
            send();
        });
    });
}

void ProjectController::listAll(const HttpResponder& responder)
{
    m_accounts.projects([this, responder](Result<QList<QByteArray>> names) {
        if (!names)
            return ApiError::send(responder, names.error());
        if (names->isEmpty())
            return responder.sendJson(200, QByteArrayLiteral("{\"projects\":[]}"));
        auto projects = std::make_shared<QList<QJsonObject>>(names->size());
        auto remaining = std::make_shared<qsizetype>(names->size());
        auto failed = std::make_shared<bool>(false);
        for (qsizetype i = 0; i < names->size(); ++i) {
            const QByteArray name = names->at(i);
            m_accounts.members(name, [=](Result<QList<AccountStore::Member>> members) {
                if (*failed)
                    return;
                if (!members) {
                    *failed = true;
                    return ApiError::send(responder, members.error());
                }
                QJsonArray list;
                for (const AccountStore::Member& m : *members)
                    list.append(memberJson(m));
                (*projects)[i] = QJsonObject{{QStringLiteral("name"), QString::fromLatin1(name)},
                                             {QStringLiteral("members"), list}};
                if (--*remaining == 0) {
                    QJsonArray out;
                    for (const QJsonObject& project : *projects)
                        out.append(project);
                    responder.sendJson(200,
                                       JsonBody::compact(QJsonObject{{QStringLiteral("projects"), out}}));
                }
            });
        }
    });
}

void ProjectController::putMember(HttpRequest& request, const HttpResponder& responder,
                                  const RouteParams& params)
{
    const QByteArray project = params.value("project");
    const QByteArray login = params.value("login");
    if (Result<void> ok = AccountPolicy::checkProject(project); !ok)
        return ApiError::send(responder, ok.error());
    if (Result<void> ok = AccountPolicy::checkLogin(login); !ok)
        return ApiError::send(responder, ok.error());
    Result<QJsonObject> body = JsonBody::parseObject(request.body);
    if (!body)
        return ApiError::send(responder, body.error());
    const QJsonValue methodsValue = body->value(QStringLiteral("methods"));
    if (!methodsValue.isArray())
        return ApiError::send(responder, Error::invalidArgument(QStringLiteral("methods must be an array of "
                                                                               "strings"),
                                                                QStringLiteral("methods")));
    QList<QByteArray> requested;
    for (const QJsonValue& method : methodsValue.toArray()) {
        if (!method.isString())
            return ApiError::send(responder,
                                  Error::invalidArgument(QStringLiteral("methods must be an array of "
                                                                        "strings"),
                                                         QStringLiteral("methods")));
        requested.append(method.toString().toUtf8());
    }
    Result<QList<QByteArray>> methods = AccountPolicy::checkMethods(requested);
    if (!methods)
        return ApiError::send(responder, methods.error());
    const QList<QByteArray> granted = *methods;
    withPreviousMethods(
        login, project, responder, [=, this](const QByteArray&, const QList<QByteArray>& before) {
            m_accounts.setMembership(login, project, granted, [=, this](Result<AccountStore::Member> member) {
                if (!member)
                    return ApiError::send(responder, member.error());
                QJsonObject out = memberJson(*member);
                out.insert(QStringLiteral("project"), QString::fromLatin1(member->project));
                afterChange(project, member->userId, before, granted, responder,
                            [responder, out] { responder.sendJson(200, JsonBody::compact(out)); });
            });
        });
}

void ProjectController::deleteMember(const HttpResponder& responder, const RouteParams& params)
{
    const QByteArray login = params.value("login");
    const QByteArray project = params.value("project");
    withPreviousMethods(login, project, responder,
                        [=, this](const QByteArray& userId, const QList<QByteArray>& before) {
                            m_accounts.removeMembership(login, project, [=, this](Result<void> done) {
                                if (!done)
                                    return ApiError::send(responder, done.error());
                                afterChange(project, userId, before, {}, responder,
                                            [responder] { responder.send(204, {}, {}); });
                            });
                        });
}

void ProjectController::withPreviousMethods(
    const QByteArray& login, const QByteArray& project, const HttpResponder& responder,
    std::function<void(const QByteArray&, const QList<QByteArray>&)> next)
{
    m_accounts.findByLogin(login, [=, this](Result<std::optional<AccountStore::Account>> account) {
        if (!account)
            return ApiError::send(responder, account.error());
        if (!*account)
            return next({}, {}); // the store answers the unknown login
        const QByteArray userId = (*account)->userId;
        m_accounts.membership(userId, project,
                              [responder, userId, next](Result<std::optional<AccountStore::Member>> member) {
                                  if (!member)
                                      return ApiError::send(responder, member.error());
                                  next(userId, *member ? (*member)->methods : QList<QByteArray>());
                              });
    });
}

void ProjectController::afterChange(const QByteArray& project, const QByteArray& userId,
                                    const QList<QByteArray>& before, const QList<QByteArray>& after,
                                    const HttpResponder& responder, std::function<void()> answer)
{
    const auto serves = [](const QList<QByteArray>& methods) {
        return methods.contains("serve") || methods.contains("admin");
    };
    if (userId.isEmpty() || !serves(before) || serves(after))
        return answer();
    // The membership changed already; a failed rotation is reported so the admin can retry it.
    m_revocation.revoke(project, userId, [responder, answer](Result<void> revoked) {
        if (!revoked)
            return ApiError::send(responder, revoked.error());
        answer();
    });
}

} // namespace mmf
