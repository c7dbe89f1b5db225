// Router: literal and {capture} segments, "tasks" vs "tasks:batch", specificity, 404/405 with Allow, HEAD →
// GET, a match's pattern() for metrics labels. Answers are captured through HttpResponder's sink: no sockets.
#include "http/Router.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace mmf;

namespace {

struct Captured
{
    int status = 0;
    QByteArray body;
    HttpResponder::Headers headers;

    QByteArray header(const QByteArray& name) const
    {
        for (const auto& h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    QString errorCode() const
    {
        return QJsonDocument::fromJson(body).object().value("error").toObject().value("code").toString();
    }
};

HttpResponder capture(Captured& out)
{
    return HttpResponder(
        [&out](int status, const QByteArray&, const QByteArray& body, const HttpResponder::Headers& headers) {
            out.status = status;
            out.body = body;
            out.headers = headers;
        });
}

HttpRequest request(const QByteArray& method, const QByteArray& path)
{
    HttpRequest r;
    r.method = method;
    r.path = path;
    return r;
}

QByteArray formatParams(const RouteParams& params)
{
    QList<QByteArray> keys = params.keys();
    std::sort(keys.begin(), keys.end());
    QByteArray out;
    for (const QByteArray& k : keys) {
        if (!out.isEmpty())
            out += ';';
        out += k + '=' + params.value(k);
    }
    return out;
}

} // namespace

class TestRouter : public QObject
{
    Q_OBJECT

private:
    Router m_router;
    QByteArray m_called;
    RouteParams m_params;

    void route(const char* method, const char* pattern, const char* name)
    {
        m_router.add(method, pattern,
                     [this, name](HttpRequest&, const HttpResponder& responder, const RouteParams& params) {
                         m_called = name;
                         m_params = params;
                         responder.send(200, "text/plain", name);
                     });
    }

private slots:
    void initTestCase()
    {
        route("GET", "/", "root");
        route("GET", "/api/v1/models", "list");
        route("GET", "/api/v1/models/{name}", "model");
        route("POST", "/api/v1/models/{name}/tasks", "submit");
        route("POST", "/api/v1/models/{name}/tasks:batch", "batch");
        route("GET", "/api/v1/tasks/{id}", "task");
        route("DELETE", "/api/v1/tasks/{id}", "cancel");
        route("GET", "/api/v1/tasks/stats", "stats"); // added after {id}: the literal must still win
        route("GET", "/api/v1/models/{name}/tasks/{id}/logs", "logs");
    }

    void init()
    {
        m_called.clear();
        m_params.clear();
    }

    void dispatch_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("handler");
        QTest::addColumn<QByteArray>("params");
        QTest::addColumn<QByteArray>("allow");

        QTest::newRow("root") << QByteArray("GET") << QByteArray("/") << 200 << QByteArray("root")
                              << QByteArray() << QByteArray();
        QTest::newRow("literal") << QByteArray("GET") << QByteArray("/api/v1/models") << 200
                                 << QByteArray("list") << QByteArray() << QByteArray();
        QTest::newRow("capture") << QByteArray("GET") << QByteArray("/api/v1/models/echo") << 200
                                 << QByteArray("model") << QByteArray("name=echo") << QByteArray();
        QTest::newRow("tasks") << QByteArray("POST") << QByteArray("/api/v1/models/echo/tasks") << 200
                               << QByteArray("submit") << QByteArray("name=echo") << QByteArray();
        QTest::newRow("tasks:batch") << QByteArray("POST") << QByteArray("/api/v1/models/echo/tasks:batch")
                                     << 200 << QByteArray("batch") << QByteArray("name=echo") << QByteArray();
        QTest::newRow("two captures")
            << QByteArray("GET") << QByteArray("/api/v1/models/arith/tasks/t-1/logs") << 200
            << QByteArray("logs") << QByteArray("id=t-1;name=arith") << QByteArray();
        QTest::newRow("literal beats capture") << QByteArray("GET") << QByteArray("/api/v1/tasks/stats")
                                               << 200 << QByteArray("stats") << QByteArray() << QByteArray();
        QTest::newRow("capture by method") << QByteArray("DELETE") << QByteArray("/api/v1/tasks/abc") << 200
                                           << QByteArray("cancel") << QByteArray("id=abc") << QByteArray();
        QTest::newRow("HEAD uses GET") << QByteArray("HEAD") << QByteArray("/api/v1/models") << 200
                                       << QByteArray("list") << QByteArray() << QByteArray();
        QTest::newRow("unknown path") << QByteArray("GET") << QByteArray("/api/v2/models") << 404
                                      << QByteArray() << QByteArray() << QByteArray();
        QTest::newRow("too long") << QByteArray("GET") << QByteArray("/api/v1/models/echo/extra") << 404
                                  << QByteArray() << QByteArray() << QByteArray();
        QTest::newRow("empty capture") << QByteArray("POST") << QByteArray("/api/v1/models//tasks") << 404
                                       << QByteArray() << QByteArray() << QByteArray();
        QTest::newRow("trailing slash") << QByteArray("GET") << QByteArray("/api/v1/models/") << 404
                                        << QByteArray() << QByteArray() << QByteArray();
        QTest::newRow("batch is not a capture")
            << QByteArray("POST") << QByteArray("/api/v1/models/e/tasks:bat") << 404 << QByteArray()
            << QByteArray() << QByteArray();
        QTest::newRow("wrong method") << QByteArray("GET") << QByteArray("/api/v1/models/echo/tasks") << 405
                                      << QByteArray() << QByteArray() << QByteArray("POST");
        QTest::newRow("wrong method, two allowed")
            << QByteArray("PUT") << QByteArray("/api/v1/tasks/abc") << 405 << QByteArray() << QByteArray()
            << QByteArray("GET, DELETE");
        QTest::newRow("unknown method") << QByteArray("PATCH") << QByteArray("/api/v1/models") << 405
                                        << QByteArray() << QByteArray() << QByteArray("GET");
    }

    void dispatch()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(int, status);
        QFETCH(QByteArray, handler);
        QFETCH(QByteArray, params);
        QFETCH(QByteArray, allow);

        Captured answer;
        HttpRequest r = request(method, path);
        m_router.dispatch(r, capture(answer));
        QCOMPARE(answer.status, status);
        QCOMPARE(m_called, handler);
        QCOMPARE(formatParams(m_params), params);
        if (status == 404)
            QCOMPARE(answer.errorCode(), QStringLiteral("not_found"));
        if (status == 405) {
            QCOMPARE(answer.header("allow"), allow);
            QCOMPARE(answer.errorCode(), QStringLiteral("invalid_argument"));
        }
    }

    void errorMessageIsEscaped()
    {
        Captured answer;
        HttpRequest r = request("GET", "/no\"such\\path\n");
        m_router.dispatch(r, capture(answer));
        QCOMPARE(answer.status, 404);
        const QJsonObject error = QJsonDocument::fromJson(answer.body).object().value("error").toObject();
        QVERIFY2(!error.isEmpty(), answer.body.constData());
        QVERIFY(error.value("message").toString().contains(QStringLiteral("/no\"such\\path\n")));
    }

    void matchPattern_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("pattern");

        QTest::newRow("capture") << QByteArray("POST") << QByteArray("/api/v1/models/echo/tasks")
                                 << QByteArray("/api/v1/models/{name}/tasks");
        QTest::newRow("batch") << QByteArray("POST") << QByteArray("/api/v1/models/echo/tasks:batch")
                               << QByteArray("/api/v1/models/{name}/tasks:batch");
        QTest::newRow("literal wins")
            << QByteArray("GET") << QByteArray("/api/v1/tasks/stats") << QByteArray("/api/v1/tasks/stats");
        QTest::newRow("405 gives the path's pattern")
            << QByteArray("GET") << QByteArray("/api/v1/models/e/tasks")
            << QByteArray("/api/v1/models/{name}/tasks");
        QTest::newRow("none") << QByteArray("GET") << QByteArray("/nope") << QByteArray("");
    }

    void matchPattern()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, pattern);
        QCOMPARE(m_router.match(request(method, path)).pattern(), pattern);
    }

    // The gateway matches a request once, labels its metrics with the match's pattern and dispatches from it.
    void oneMatchLabelsAndDispatches()
    {
        HttpRequest r = request("GET", "/api/v1/models/echo");
        const Router::Match found = m_router.match(r);
        QVERIFY(found.found());
        QCOMPARE(found.pattern(), QByteArray("/api/v1/models/{name}"));
        QVERIFY(m_called.isEmpty()); // matching runs nothing
        Captured answer;
        m_router.dispatch(r, capture(answer), found);
        QCOMPARE(answer.status, 200);
        QCOMPARE(m_called, QByteArray("model"));
        QCOMPARE(formatParams(m_params), QByteArray("name=echo"));

        HttpRequest wrong = request("PUT", "/api/v1/tasks/abc");
        const Router::Match none = m_router.match(wrong);
        QVERIFY(!none.found());
        QCOMPARE(none.pattern(), QByteArray("/api/v1/tasks/{id}"));
        Captured refused;
        m_router.dispatch(wrong, capture(refused), none);
        QCOMPARE(refused.status, 405);
        QCOMPARE(refused.header("allow"), QByteArray("GET, DELETE"));

        // More segments than any route has: nothing to look through.
        QCOMPARE(m_router.match(request("GET", "/a/b/c/d/e/f/g/h/i/j/k/l")).pattern(), QByteArray(""));
    }
};

QTEST_GUILESS_MAIN(TestRouter)
#include "tst_router.moc"
