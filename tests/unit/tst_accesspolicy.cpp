// The access rules, table-driven: who reaches a project, who administers it, and who may read or cancel a
// task. The integration test tst_trust drives the same rules through real routes.
#include "gateway/AccessPolicy.h"
#include "gateway/TaskRecord.h"

#include <QTest>

using namespace mmf;

namespace {

enum class Kind
{
    User,
    Admin,
    Superuser,
    TaskToken
};

v1::TokenClaims claimsOf(Kind kind, const char* user, const char* project, const char* model = "")
{
    v1::TokenClaims claims;
    claims.set_user_id(user);
    claims.set_project_id(project);
    switch (kind) {
    case Kind::User:
        claims.add_methods("score");
        claims.add_methods("read");
        break;
    case Kind::Admin:
        claims.add_methods("admin");
        break;
    case Kind::Superuser:
        claims.add_methods("admin");
        claims.set_superuser(true);
        break;
    case Kind::TaskToken:
        claims.add_methods("score");
        claims.set_model(model);
        // A task token never carries the superuser's reach, whatever its flags say.
        claims.set_superuser(true);
        break;
    }
    return claims;
}

} // namespace

class TestAccessPolicy : public QObject
{
    Q_OBJECT
private slots:
    void projects_data();
    void projects();
    void tasks_data();
    void tasks();
};

void TestAccessPolicy::projects_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("project");
    QTest::addColumn<bool>("reaches");
    QTest::addColumn<bool>("administers");
    QTest::newRow("user, own project") << int(Kind::User) << QByteArray("p") << true << false;
    QTest::newRow("user, other project") << int(Kind::User) << QByteArray("q") << false << false;
    QTest::newRow("admin, own project") << int(Kind::Admin) << QByteArray("p") << true << true;
    QTest::newRow("admin, other project") << int(Kind::Admin) << QByteArray("q") << false << false;
    QTest::newRow("superuser, other project") << int(Kind::Superuser) << QByteArray("q") << true << true;
    QTest::newRow("task token, own project") << int(Kind::TaskToken) << QByteArray("p") << true << false;
    QTest::newRow("task token flagged superuser, other")
        << int(Kind::TaskToken) << QByteArray("q") << false << false;
}

void TestAccessPolicy::projects()
{
    QFETCH(int, kind);
    QFETCH(QByteArray, project);
    QFETCH(bool, reaches);
    QFETCH(bool, administers);
    const v1::TokenClaims claims = claimsOf(Kind(kind), "u1", "p", "calc");
    QCOMPARE(AccessPolicy::reachesProject(claims, project), reaches);
    QCOMPARE(AccessPolicy::administers(claims, project), administers);
}

void TestAccessPolicy::tasks_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("taskUser");
    QTest::addColumn<QByteArray>("taskProject");
    QTest::addColumn<QByteArray>("parent");
    QTest::addColumn<bool>("allowed");
    const QByteArray calcParent("01J0000000000000000000000A.calc");
    const QByteArray echoParent("01J0000000000000000000000A.echo");
    QTest::newRow("owner") << int(Kind::User) << QByteArray("u1") << QByteArray("u1") << QByteArray("p")
                           << QByteArray() << true;
    QTest::newRow("owner, task in another project") << int(Kind::User) << QByteArray("u1") << QByteArray("u1")
                                                    << QByteArray("q") << QByteArray() << false;
    QTest::newRow("another user") << int(Kind::User) << QByteArray("u2") << QByteArray("u1")
                                  << QByteArray("p") << QByteArray() << false;
    QTest::newRow("admin of the task's project") << int(Kind::Admin) << QByteArray("u2") << QByteArray("u1")
                                                 << QByteArray("p") << QByteArray() << true;
    QTest::newRow("admin of another project") << int(Kind::Admin) << QByteArray("u2") << QByteArray("u1")
                                              << QByteArray("q") << QByteArray() << false;
    QTest::newRow("superuser") << int(Kind::Superuser) << QByteArray("u2") << QByteArray("u1")
                               << QByteArray("q") << QByteArray() << true;
    QTest::newRow("task token, top-level task of its user")
        << int(Kind::TaskToken) << QByteArray("u1") << QByteArray("u1") << QByteArray("p") << QByteArray()
        << false;
    QTest::newRow("task token, sub-task of its model's task")
        << int(Kind::TaskToken) << QByteArray("u1") << QByteArray("u1") << QByteArray("p") << calcParent
        << true;
    QTest::newRow("task token, sub-task of another model's task")
        << int(Kind::TaskToken) << QByteArray("u1") << QByteArray("u1") << QByteArray("p") << echoParent
        << false;
    QTest::newRow("task token, another user's sub-task")
        << int(Kind::TaskToken) << QByteArray("u1") << QByteArray("u2") << QByteArray("p") << calcParent
        << false;
}

void TestAccessPolicy::tasks()
{
    QFETCH(int, kind);
    QFETCH(QByteArray, user);
    QFETCH(QByteArray, taskUser);
    QFETCH(QByteArray, taskProject);
    QFETCH(QByteArray, parent);
    QFETCH(bool, allowed);
    const v1::TokenClaims claims = claimsOf(Kind(kind), user.constData(), "p", "calc");
    TaskRecord record;
    record.userId = taskUser;
    record.parentTaskId = parent;
    QCOMPARE(AccessPolicy::mayAccessTask(claims, record, taskProject), allowed);
}

QTEST_APPLESS_MAIN(TestAccessPolicy)
#include "tst_accesspolicy.moc"
