// The worker's HTTP pieces without a server: how gateway answers to a sub-task call are read
// (SubTaskCaller::interpret), what registration sends and accepts (RegistryClient), and a call whose server
// is gone ending as "unavailable" after its retries.
#include "auth/SigningKey.h"
#include "auth/TokenCodec.h"
#include "core/Clock.h"
#include "worker/RegistryClient.h"
#include "worker/SubTaskCaller.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QtTest>

using namespace mmf;

Q_DECLARE_METATYPE(SubTaskCaller::Step::Kind)

class TestWorkerHttp : public QObject
{
    Q_OBJECT
private slots:
    void interpret_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("taskIdHeader");
        QTest::addColumn<SubTaskCaller::Step::Kind>("kind");
        QTest::addColumn<QByteArray>("taskId");
        QTest::addColumn<QString>("message");
        using Kind = SubTaskCaller::Step::Kind;

        QTest::newRow("result") << 200 << QByteArray("application/x-protobuf") << QByteArray("\x08\x01", 2)
                                << QByteArray("T1") << Kind::Succeeded << QByteArray("T1") << QString();
        QTest::newRow("result with charset")
            << 200 << QByteArray("Application/X-Protobuf; q=1") << QByteArray() << QByteArray()
            << Kind::Succeeded << QByteArray() << QString();
        QTest::newRow("accepted") << 202 << QByteArray("application/json")
                                  << QByteArray(R"({"task_id":"T2","status":"queued"})") << QByteArray()
                                  << Kind::Pending << QByteArray("T2") << QString();
        QTest::newRow("still running")
            << 200 << QByteArray("application/json") << QByteArray(R"({"task_id":"T3","status":"running"})")
            << QByteArray() << Kind::Pending << QByteArray("T3") << QString();
        QTest::newRow("failed")
            << 200 << QByteArray("application/json")
            << QByteArray(R"({"task_id":"T4","status":"failed","error":{"code":"division_by_zero",)"
                          R"("message":"division by zero: 5 / 0"}})")
            << QByteArray() << Kind::Failed << QByteArray("T4")
            << QStringLiteral("division_by_zero: division by zero: 5 / 0");
        QTest::newRow("cancelled without error")
            << 200 << QByteArray("application/json") << QByteArray(R"({"task_id":"T5","status":"cancelled"})")
            << QByteArray() << Kind::Failed << QByteArray("T5")
            << QStringLiteral("cancelled: the sub-task ended cancelled");
        QTest::newRow("succeeded as json")
            << 200 << QByteArray("application/json") << QByteArray(R"({"task_id":"T6","status":"succeeded"})")
            << QByteArray() << Kind::Failed << QByteArray("T6")
            << QStringLiteral("internal: the server sent a succeeded");
        QTest::newRow("unknown model")
            << 404 << QByteArray("application/json")
            << QByteArray(R"({"error":{"code":"not_found","message":"no model x"}})") << QByteArray()
            << Kind::Failed << QByteArray() << QStringLiteral("not_found: no model x");
        QTest::newRow("forbidden")
            << 403 << QByteArray("application/json")
            << QByteArray(R"({"error":{"code":"permission_denied","message":"other project"}})")
            << QByteArray() << Kind::Failed << QByteArray()
            << QStringLiteral("permission_denied: other project");
        QTest::newRow("no instance") << 503 << QByteArray("application/json")
                                     << QByteArray(
                                            R"({"error":{"code":"unavailable","message":"no instance"}})")
                                     << QByteArray() << Kind::Unavailable << QByteArray()
                                     << QStringLiteral("unavailable: no instance");
        QTest::newRow("bare 502") << 502 << QByteArray("text/html") << QByteArray("<html>") << QByteArray()
                                  << Kind::Unavailable << QByteArray()
                                  << QStringLiteral("unavailable: the server answered HTTP 502");
        QTest::newRow("no answer") << 0 << QByteArray() << QByteArray() << QByteArray() << Kind::Unavailable
                                   << QByteArray() << QStringLiteral("unavailable: cannot reach the server");
    }

    void interpret()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, taskIdHeader);
        QFETCH(SubTaskCaller::Step::Kind, kind);
        QFETCH(QByteArray, taskId);
        QFETCH(QString, message);
        const SubTaskCaller::Step step = SubTaskCaller::interpret(status, contentType, body, taskIdHeader,
                                                                  QStringLiteral("Connection refused"));
        QCOMPARE(step.kind, kind);
        QCOMPARE(step.taskId, taskId);
        if (kind == SubTaskCaller::Step::Kind::Succeeded)
            QCOMPARE(step.bytes, body);
        else
            QVERIFY2(step.error.message.startsWith(message), qPrintable(step.error.message));
    }

    void errorCodesMapToTheApiList()
    {
        auto step = SubTaskCaller::interpret(404, "application/json",
                                             R"({"error":{"code":"not_found","message":"x"}})", {});
        QCOMPARE(step.error.code, ErrorCode::NotFound);
        step = SubTaskCaller::interpret(0, {}, {}, {}, QStringLiteral("Connection refused"));
        QCOMPARE(step.error.code, ErrorCode::Unavailable);
        QVERIFY(step.error.message.contains(QStringLiteral("Connection refused")));
    }

    void aCallToAServerThatIsGoneEndsUnavailable()
    {
        QTcpServer probe; // a port nobody listens on once the probe closes
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();

        SubTaskCaller caller(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        caller.setRetryDelayMs(10);
        auto notifier = std::make_shared<CallHandle::Notifier>();
        CallHandle handle(notifier);
        SubTaskCaller::Call call;
        call.model = QStringLiteral("arith");
        call.request = "x";
        call.taskToken = "tok";
        call.parentTaskId = "P";
        call.handle = handle;
        caller.start(call);
        QCOMPARE(caller.activeCount(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(handle.isFinished(), 10000);
        const Result<QByteArray> outcome = handle.wait();
        QVERIFY(!outcome.ok());
        QCOMPARE(outcome.error().code, ErrorCode::Unavailable);
        QVERIFY2(outcome.error().message.startsWith(QStringLiteral("unavailable: ")),
                 qPrintable(outcome.error().message));
        QCOMPARE(caller.activeCount(), 0);
    }

    void abortFinishesTheHandle()
    {
        SubTaskCaller caller(QUrl(QStringLiteral("http://127.0.0.1:9"))); // discard port: nothing answers
        auto notifier = std::make_shared<CallHandle::Notifier>();
        CallHandle handle(notifier);
        SubTaskCaller::Call call;
        call.model = QStringLiteral("arith");
        call.handle = handle;
        const quint64 id = caller.start(call);
        caller.abort(id, QStringLiteral("cancelled"), QStringLiteral("the calling task was cancelled"));
        QVERIFY(handle.isFinished());
        QCOMPARE(handle.wait().error().message, QStringLiteral("cancelled: the calling task was cancelled"));
        QVERIFY(!caller.isActive(id));
    }

    void registrationJsonUsesProtoFieldNames()
    {
        v1::RegisterInstanceRequest request;
        request.set_model("echo");
        request.set_host("127.0.0.1");
        request.set_port(9100);
        request.set_descriptor_set(std::string("\x0a\x01", 2));
        request.set_request_type("mmf.models.EchoRequest");
        request.set_response_type("mmf.models.EchoResponse");
        request.mutable_metadata()->set_description("echoes");
        request.set_name("echo-host-1");
        request.set_concurrency(4);
        const QJsonObject json = QJsonDocument::fromJson(RegistryClient::registrationJson(request)).object();
        QCOMPARE(json.value("model").toString(), QStringLiteral("echo"));
        QCOMPARE(json.value("port").toInt(), 9100);
        QCOMPARE(json.value("descriptor_set").toString(), QStringLiteral("CgE=")); // base64
        QCOMPARE(json.value("request_type").toString(), QStringLiteral("mmf.models.EchoRequest"));
        QCOMPARE(json.value("response_type").toString(), QStringLiteral("mmf.models.EchoResponse"));
        QCOMPARE(json.value("metadata").toObject().value("description").toString(), QStringLiteral("echoes"));
        QCOMPARE(json.value("name").toString(), QStringLiteral("echo-host-1"));
        QCOMPARE(json.value("concurrency").toInt(), 4);
    }

    void registrationAnswerIsParsed()
    {
        const SigningKey key = SigningKey::fromSeed(QByteArray(32, 'k')).value();
        const QByteArray publicKey =
            key.publicKey().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        // Built with QJsonObject: moc 6.4 mis-reads raw strings that end in a quote.
        const QJsonObject answer{
            {"instance_id", "i-1"},
            {"ping_interval_s", 2.5},
            {"redis", QJsonObject{{"host", "/run/mmf/redis.sock"},
                                  {"port", 0},
                                  {"user", "model_echo"},
                                  {"password", "pw"},
                                  {"db", 0}}},
            {"public_keys", QJsonArray{QJsonObject{{"key_id", QString::fromLatin1(key.keyId())},
                                                   {"public_key", QString::fromLatin1(publicKey)},
                                                   {"not_after", "2030-01-01T00:00:00Z"}}}},
            {"claim_timeout_ms", 30000},
            {"retry", QJsonObject{{"max_attempts", 5},
                                  {"backoff_initial_ms", 200},
                                  {"backoff_factor", 1.5},
                                  {"backoff_max_ms", 9000}}},
            {"retention_s", 3600},
            {"future_field", 1}};
        const QByteArray json = QJsonDocument(answer).toJson();
        const auto registration = RegistryClient::parseRegistration(json);
        QVERIFY2(registration.ok(), qPrintable(registration.ok() ? QString() : registration.error().message));
        QCOMPARE(registration->response.instance_id(), std::string("i-1"));
        QCOMPARE(registration->response.redis().host(), std::string("/run/mmf/redis.sock"));
        QCOMPARE(registration->response.redis().port(), 0u);
        QCOMPARE(registration->response.retry().max_attempts(), 5u);
        QCOMPARE(registration->response.retry().backoff_factor(), 1.5);
        QCOMPARE(registration->retentionSecs, qint64(3600));
        QCOMPARE(registration->eventsMaxLen, 100000); // default when not sent

        const auto keys = RegistryClient::trustedKeys(registration->response.public_keys());
        QVERIFY(keys.ok());
        QCOMPARE(keys->size(), 1);
        QCOMPARE(keys->at(0).keyId, key.keyId());
        QCOMPARE(keys->at(0).publicKey, key.publicKey());
        QCOMPARE(keys->at(0).notAfterSecs, qint64(1893456000));

        QVERIFY(!RegistryClient::parseRegistration("{}").ok()); // no instance_id
        QVERIFY(!RegistryClient::parseRegistration("not json").ok());
    }

    void keysAnswer()
    {
        const SigningKey a = SigningKey::fromSeed(QByteArray(32, 'a')).value();
        const SigningKey b = SigningKey::fromSeed(QByteArray(32, 'b')).value();
        const auto encode = [](const SigningKey& k) {
            return k.publicKey().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        };
        const QJsonObject answer{
            {"keys", QJsonArray{QJsonObject{{"key_id", QString::fromLatin1(a.keyId())},
                                            {"public_key", QString::fromLatin1(encode(a))},
                                            {"not_after", ""}},
                                QJsonObject{{"key_id", QString::fromLatin1(b.keyId())},
                                            {"public_key", QString::fromLatin1(encode(b))}}}}};
        const QByteArray json = QJsonDocument(answer).toJson();
        const auto keys = RegistryClient::parseKeysJson(json);
        QVERIFY2(keys.ok(), qPrintable(keys.ok() ? QString() : keys.error().message));
        QCOMPARE(keys->size(), 2);
        QCOMPARE(keys->at(0).notAfterSecs, qint64(0));

        // Replacing drops what the server no longer lists.
        SystemClock clock;
        TokenVerifier verifier(clock);
        QList<QByteArray> known;
        RegistryClient::applyKeys(verifier, *keys, known, true);
        QVERIFY(verifier.knowsKey(a.keyId()) && verifier.knowsKey(b.keyId()));
        RegistryClient::applyKeys(verifier, {keys->at(1)}, known, true);
        QVERIFY(!verifier.knowsKey(a.keyId()));
        QVERIFY(verifier.knowsKey(b.keyId()));
        QCOMPARE(known, QList<QByteArray>{b.keyId()});

        QVERIFY(!RegistryClient::parseKeysJson(R"({"keys":[{"key_id":"x","public_key":"short"}]})").ok());
        QVERIFY(!RegistryClient::parseKeysJson(R"([])").ok());
    }

    void failuresAreClassified_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("retryable");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("conflict") << 409
                                  << QByteArray(
                                         R"({"error":{"code":"conflict","message":"other descriptors"}})")
                                  << false << "conflict"
                                  << "other descriptors";
        QTest::newRow("unauthenticated")
            << 401 << QByteArray(R"({"error":{"code":"unauthenticated","message":"expired"}})") << false
            << "unauthenticated"
            << "expired";
        QTest::newRow("forbidden") << 403 << QByteArray("{}") << false << "http_403"
                                   << "the server answered HTTP 403";
        QTest::newRow("rate limited") << 429 << QByteArray() << true << "http_429"
                                      << "the server answered HTTP 429";
        QTest::newRow("server error")
            << 503 << QByteArray(R"({"error":{"code":"unavailable","message":"redis down"}})") << true
            << "unavailable"
            << "redis down";
        QTest::newRow("no answer") << 0 << QByteArray() << true << "unavailable"
                                   << "Connection refused";
    }

    void failuresAreClassified()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(bool, retryable);
        QFETCH(QString, code);
        QFETCH(QString, message);
        const auto failure = RegistryClient::classify(status, body, QStringLiteral("Connection refused"));
        QCOMPARE(failure.retryable, retryable);
        QCOMPARE(failure.code, code);
        QCOMPARE(failure.message, message);
        QCOMPARE(failure.httpStatus, status);
    }
};

QTEST_GUILESS_MAIN(TestWorkerHttp)
#include "tst_worker_http.moc"
