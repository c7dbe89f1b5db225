// TaskJson: the hand-formatted RFC 3339 times agree with QDateTime, and the WebSocket pushes written as text
// parse to the documented objects, also for hostile text from a model (quotes, control characters, bytes that
// are not UTF-8) and for results that do not parse; the task answer (taskText) likewise.
#include "gateway/ModelInfo.h"
#include "gateway/TaskEventRecord.h"
#include "gateway/TaskJson.h"
#include "gateway/TaskRecord.h"
#include "schema/DescriptorSet.h"

#include "mmf/models/echo.pb.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QtTest>

#include <cmath>
#include <limits>

using namespace mmf;

namespace {

QJsonObject parsed(const QString& text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        qWarning().noquote() << "not a JSON object:" << text << error.errorString();
    return document.object();
}

QString qtTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

class TestTaskJson : public QObject
{
    Q_OBJECT

    ModelInfoPtr m_model;

private slots:
    void initTestCase()
    {
        auto model = std::make_shared<ModelInfo>();
        model->name = "echo";
        model->descriptors = DescriptorSet::builtin();
        model->request = model->descriptors->findMessage(u"mmf.models.EchoRequest");
        model->response = model->descriptors->findMessage(u"mmf.models.EchoResponse");
        QVERIFY(model->request && model->response);
        m_model = model;
    }

    void isoTimeAgreesWithQt_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::newRow("first millisecond") << qint64(1);
        QTest::newRow("end of the first day") << qint64(86'399'999);
        QTest::newRow("2000-02-29") << qint64(951'782'400'000);
        QTest::newRow("2024-02-29 with ms") << qint64(1'709'164'800'123);
        QTest::newRow("2100-03-01 (not a leap year)") << qint64(4'107'542'400'000);
        QTest::newRow("last ms of 9999") << qint64(253'402'300'799'999);
        QTest::newRow("year 10000 (Qt's format)") << qint64(253'402'300'800'000);
    }
    void isoTimeAgreesWithQt()
    {
        QFETCH(qint64, ms);
        QCOMPARE(TaskJson::isoTime(ms), qtTime(ms));
        QCOMPARE(TaskJson::isoTimeUtf8(ms), qtTime(ms).toLatin1());
    }

    void isoTimeAgreesWithQtOnManyTimes()
    {
        QRandomGenerator random(20261203); // fixed: a failure names a time that can be replayed
        for (int i = 0; i < 20000; ++i) {
            const qint64 ms = qint64(random.bounded(quint64(253'402'300'799'999))) + 1;
            if (TaskJson::isoTime(ms) != qtTime(ms))
                QFAIL(qPrintable(
                    QStringLiteral("%1: %2, Qt says %3").arg(ms).arg(TaskJson::isoTime(ms), qtTime(ms))));
        }
    }

    void isoTimeIsEmptyForNoTime()
    {
        QVERIFY(TaskJson::isoTime(0).isEmpty());
        QVERIFY(TaskJson::isoTime(-5).isEmpty());
    }

    void statusEvent()
    {
        TaskEventRecord event;
        event.kind = TaskEventRecord::Kind::Status;
        event.model = "echo";
        event.taskId = "echo.abc";
        event.status = "queued";
        event.attempts = 2;
        event.tsMs = 1'709'164'800'123;
        event.nextAttemptAtMs = 1'709'164'801'000;
        event.errorCode = "internal";
        event.errorMessage = "boom \"quoted\"";
        const QJsonObject expected{
            {"type", "status"},
            {"task_id", "echo.abc"},
            {"model", "echo"},
            {"status", "queued"},
            {"attempts", 2},
            {"ts", "2024-02-29T00:00:00.123Z"},
            {"next_attempt_at", "2024-02-29T00:00:01.000Z"},
            {"error", QJsonObject{{"code", "internal"}, {"message", "boom \"quoted\""}}},
        };
        QCOMPARE(parsed(TaskJson::eventText(event, m_model)), expected);

        event.nextAttemptAtMs = 0;
        event.errorCode.clear();
        const QJsonObject plain = parsed(TaskJson::eventText(event, m_model));
        QVERIFY(!plain.contains("next_attempt_at"));
        QVERIFY(!plain.contains("error"));
        QCOMPARE(plain.value("status").toString(), QStringLiteral("queued"));
    }

    void logEventWithHostileText()
    {
        // What a model writes: quotes, backslashes, every control character, and bytes that are not UTF-8.
        QByteArray text = "a\"b\\c\n\t/";
        for (char c = 1; c < 0x20; ++c)
            text.append(c);
        text.append("\xff\xfe end \xc3\xa9");
        TaskEventRecord event;
        event.kind = TaskEventRecord::Kind::Log;
        event.taskId = "echo.abc";
        event.seq = 7;
        event.tsMs = 1000;
        event.level = "info";
        event.text = text;
        const QString rendered = TaskJson::eventText(event, m_model);
        const QJsonObject expected{
            {"type", "log"},
            {"task_id", "echo.abc"},
            {"seq", 7},
            {"ts", "1970-01-01T00:00:01.000Z"},
            {"level", "info"},
            {"text", QString::fromUtf8(text)}, // invalid bytes as U+FFFD, as QJsonDocument did
        };
        QCOMPARE(parsed(rendered), expected);
    }

    void progressEvent()
    {
        TaskEventRecord event;
        event.kind = TaskEventRecord::Kind::Progress;
        event.taskId = "echo.abc";
        event.fraction = 0.25;
        event.text = "a quarter";
        QCOMPARE(
            parsed(TaskJson::eventText(event, m_model)),
            (QJsonObject{
                {"type", "progress"}, {"task_id", "echo.abc"}, {"fraction", 0.25}, {"text", "a quarter"}}));
        event.fraction = std::numeric_limits<double>::quiet_NaN(); // a model's nonsense: null, still JSON
        QVERIFY(parsed(TaskJson::eventText(event, m_model)).value("fraction").isNull());
    }

    void resultEvent()
    {
        mmf::models::EchoResponse response;
        response.mutable_request()->set_text("hello \"you\"");
        response.mutable_request()->add_values(-0.5);
        response.set_instance("w1");
        response.set_attempt(1);
        TaskEventRecord event;
        event.kind = TaskEventRecord::Kind::Result;
        event.model = "echo";
        event.taskId = "echo.abc";
        event.status = "succeeded";
        event.attempts = 1;
        event.tsMs = 2000;
        event.result = QByteArray::fromStdString(response.SerializeAsString());
        const QJsonObject expected{
            {"type", "result"},
            {"task_id", "echo.abc"},
            {"model", "echo"},
            {"status", "succeeded"},
            {"attempts", 1},
            {"ts", "1970-01-01T00:00:02.000Z"},
            {"result",
             QJsonObject{{"request", QJsonObject{{"text", "hello \"you\""}, {"values", QJsonArray{-0.5}}}},
                         {"instance", "w1"},
                         {"attempt", 1}}},
            {"error", QJsonValue::Null},
        };
        QCOMPARE(parsed(TaskJson::eventText(event, m_model)), expected);

        event.resultElided = true; // too big to ride along: the client reads it from the API
        QVERIFY(parsed(TaskJson::eventText(event, m_model)).value("result").isNull());
        event.resultElided = false;
        event.result = "\xff\xff\xff"; // not an EchoResponse
        QVERIFY(parsed(TaskJson::eventText(event, m_model)).value("result").isNull());
        QVERIFY(parsed(TaskJson::eventText(event, nullptr)).value("result").isNull());

        event.status = "failed";
        event.errorCode = "invalid_argument";
        event.errorMessage = "no\nway";
        const QJsonObject failed = parsed(TaskJson::eventText(event, m_model));
        QVERIFY(failed.value("result").isNull());
        QCOMPARE(failed.value("error").toObject(),
                 (QJsonObject{{"code", "invalid_argument"}, {"message", "no\nway"}}));
    }

    void taskText()
    {
        mmf::models::EchoRequest request;
        request.set_text("hi <there>");
        mmf::models::EchoResponse response;
        *response.mutable_request() = request;
        response.set_instance("w1");
        response.set_attempt(2);
        TaskRecord record;
        record.taskId = "echo.abc";
        record.model = "echo";
        record.status = "succeeded";
        record.attempts = 2;
        record.createdAtMs = 1000;
        record.startedAtMs = 2000;
        record.finishedAtMs = 3500;
        record.request = QByteArray::fromStdString(request.SerializeAsString());
        record.result = QByteArray::fromStdString(response.SerializeAsString());
        record.instance = "w1";
        const QByteArray text = TaskJson::taskText(record, m_model);
        const QJsonObject expected{
            {"task_id", "echo.abc"},
            {"model", "echo"},
            {"status", "succeeded"},
            {"attempts", 2},
            {"created_at", "1970-01-01T00:00:01.000Z"},
            {"started_at", "1970-01-01T00:00:02.000Z"},
            {"finished_at", "1970-01-01T00:00:03.500Z"},
            {"next_attempt_at", QJsonValue::Null},
            {"request", QJsonObject{{"text", "hi <there>"}}},
            {"result", QJsonObject{{"request", QJsonObject{{"text", "hi <there>"}}},
                                   {"instance", "w1"},
                                   {"attempt", 2}}},
            {"error", QJsonValue::Null},
            {"parent_task_id", QJsonValue::Null},
            {"instance", "w1"},
        };
        QCOMPARE(parsed(QString::fromUtf8(text)), expected);

        // Failed, with what a model's instance may write: quotes, newlines and bytes that are not UTF-8. The
        // answer stays valid UTF-8 JSON (HTTP bodies are not repaired by a QString on the way out).
        record.status = "failed";
        record.errorCode = "internal";
        record.errorMessage = "bad \"\xff\xfe\" input\n";
        record.instance = "w\xc3";
        record.parentTaskId = "echo.parent";
        record.nextAttemptAtMs = 0;
        const QByteArray failed = TaskJson::taskText(record, m_model);
        QVERIFY(failed.isValidUtf8());
        const QJsonObject object = parsed(QString::fromUtf8(failed));
        QVERIFY(object.value("result").isNull());
        QCOMPARE(object.value("error").toObject(),
                 (QJsonObject{{"code", "internal"}, {"message", QString::fromUtf8(record.errorMessage)}}));
        QCOMPARE(object.value("instance").toString(), QString::fromUtf8(record.instance));
        QCOMPARE(object.value("parent_task_id").toString(), QStringLiteral("echo.parent"));
        QCOMPARE(object.value("request").toObject(), (QJsonObject{{"text", "hi <there>"}}));

        // A request that does not parse, or no model: null, still JSON.
        record.request = "\xff\xff\xff";
        QVERIFY(parsed(QString::fromUtf8(TaskJson::taskText(record, m_model))).value("request").isNull());
        QVERIFY(parsed(QString::fromUtf8(TaskJson::taskText(record, nullptr))).value("request").isNull());
    }
};

QTEST_GUILESS_MAIN(TestTaskJson)
#include "tst_taskjson.moc"
