// A task record read from its hash: the fields as the broker library writes them, and the request from
// where each generation of servers kept it.
#include "gateway/TaskRecord.h"

#include "mmf/v1/task.pb.h"

#include <QTest>

using namespace mmf;

namespace {

QByteArray envelopeWith(const QByteArray& request)
{
    v1::TaskEnvelope envelope;
    envelope.set_task_id("t1.echo");
    envelope.set_model("echo");
    envelope.set_task_token("tok");
    envelope.set_request(request.toStdString());
    return QByteArray::fromStdString(envelope.SerializeAsString());
}

} // namespace

class TestTaskRecord : public QObject
{
    Q_OBJECT

private slots:
    void fieldsAsTheLibraryWritesThem()
    {
        const TaskRecord record = TaskRecord::fromHash("t1.echo", "echo",
                                                       {{"st", "failed"},
                                                        {"u", "alice"},
                                                        {"p", "default"},
                                                        {"att", "2"},
                                                        {"c", "1000"},
                                                        {"s", "1005"},
                                                        {"f", "1010"},
                                                        {"ec", "exception"},
                                                        {"em", "boom"},
                                                        {"i", "w1"},
                                                        {"h1", R"({"s":"1001"})"},
                                                        {"req", "ask"}});
        QCOMPARE(record.status, QByteArray("failed"));
        QCOMPARE(record.userId, QByteArray("alice"));
        QCOMPARE(record.attempts, 2);
        QCOMPARE(record.createdAtMs, qint64(1000));
        QCOMPARE(record.startedAtMs, qint64(1005));
        QCOMPARE(record.finishedAtMs, qint64(1010));
        QCOMPARE(record.errorCode, QByteArray("exception"));
        QCOMPARE(record.instance, QByteArray("w1"));
        QCOMPARE(record.pastAttempts.value(1), QByteArray(R"({"s":"1001"})"));
        QCOMPARE(record.request, QByteArray("ask"));
    }

    // The hash keeps the request (`req`); an envelope beside it (a retry waiting for its turn) is not read.
    void theRequestComesFromReq()
    {
        const TaskRecord record = TaskRecord::fromHash(
            "t1.echo", "echo", {{"st", "queued"}, {"req", "new"}, {"env", envelopeWith("old")}});
        QCOMPARE(record.request, QByteArray("new"));
    }

    // A task of an older server kept its whole envelope: the request is read out of it.
    void aTaskOfAnOlderServerHasItInItsEnvelope()
    {
        const TaskRecord record =
            TaskRecord::fromHash("t1.echo", "echo", {{"st", "succeeded"}, {"env", envelopeWith("kept")}});
        QCOMPARE(record.request, QByteArray("kept"));
        // An envelope that does not decode leaves the request empty rather than failing the read.
        QVERIFY(TaskRecord::fromHash("t1.echo", "echo", {{"env", "\xff\xff garbage"}}).request.isEmpty());
    }

    // An empty request is a request (every field at its default): kept as such, not taken from elsewhere.
    void anEmptyRequestStaysEmpty()
    {
        const TaskRecord record =
            TaskRecord::fromHash("t1.echo", "echo", {{"req", ""}, {"env", envelopeWith("other")}});
        QVERIFY(record.request.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestTaskRecord)
#include "tst_taskrecord.moc"
