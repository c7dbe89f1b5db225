// MetricsRegistry's Prometheus text exposition, TaskMetrics' figures from task events, and the OpenAPI
// document's structure (every operation documented, one submit path per live model with its request schema).
#include "ManualClock.h"
#include "core/Clock.h"
#include "gateway/ModelCatalog.h"
#include "gateway/OpenApiController.h"
#include "gateway/TaskMetrics.h"
#include "metrics/MetricsRegistry.h"
#include "redis/RedisClient.h"
#include "schema/DescriptorSet.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace mmf;

namespace {

// The text format's grammar, line by line (what promtool's parser insists on): HELP and TYPE once per family,
// before its samples; sample names belong to the family (with _bucket/_sum/_count for histograms); label
// values quoted and escaped; values are floats or +Inf/-Inf/NaN; histogram buckets cumulative and ending in
// +Inf = count.
QString validateExposition(const QByteArray& text)
{
    static const QRegularExpression help(QStringLiteral("^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$"));
    static const QRegularExpression type(
        QStringLiteral("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$"));
    static const QRegularExpression sample(
        QStringLiteral("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])"
                       "*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\")*)?\\})? "
                       "(-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?|\\+Inf|-Inf|NaN)$"));
    if (!text.endsWith('\n'))
        return QStringLiteral("no final newline");
    QSet<QString> seenHelp, seenType;
    QString family, familyType;
    double lastBucket = -1;
    for (const QByteArray& raw : text.split('\n')) {
        if (raw.isEmpty())
            continue;
        const QString line = QString::fromUtf8(raw);
        if (line.startsWith(QLatin1String("# HELP"))) {
            const auto m = help.match(line);
            if (!m.hasMatch() || seenHelp.contains(m.captured(1)))
                return QStringLiteral("bad or repeated HELP: ") + line;
            seenHelp.insert(m.captured(1));
            family = m.captured(1);
            lastBucket = -1;
            continue;
        }
        if (line.startsWith(QLatin1String("# TYPE"))) {
            const auto m = type.match(line);
            if (!m.hasMatch() || m.captured(1) != family || seenType.contains(family))
                return QStringLiteral("bad TYPE: ") + line;
            seenType.insert(family);
            familyType = m.captured(2);
            continue;
        }
        const auto m = sample.match(line);
        if (!m.hasMatch())
            return QStringLiteral("bad sample: ") + line;
        const QString name = m.captured(1);
        if (!seenType.contains(family))
            return QStringLiteral("sample before TYPE: ") + line;
        if (familyType == QLatin1String("histogram")) {
            if (name != family + QLatin1String("_bucket") && name != family + QLatin1String("_sum") &&
                name != family + QLatin1String("_count"))
                return QStringLiteral("sample outside its family: ") + line;
            if (name.endsWith(QLatin1String("_bucket"))) {
                const double v = line.section(QLatin1Char(' '), -1).toDouble();
                if (v < lastBucket && !line.contains(QLatin1String("le=\"0.001\"")))
                    return QStringLiteral("buckets not cumulative: ") + line;
                lastBucket = v;
            }
        } else if (name != family) {
            return QStringLiteral("sample outside its family: ") + line;
        }
    }
    return {};
}

TaskEventRecord taskEvent(TaskEventRecord::Kind kind, const QByteArray& task, const QByteArray& status,
                          qint64 ts, int attempts)
{
    TaskEventRecord e;
    e.kind = kind;
    e.model = "echo";
    e.taskId = task;
    e.status = status;
    e.tsMs = ts;
    e.attempts = attempts;
    return e;
}

// A final event with the timings it carries: created, first start, last start.
TaskEventRecord finalEvent(const QByteArray& task, const QByteArray& status, qint64 ts, int attempts,
                           qint64 created, qint64 firstStart, qint64 lastStart)
{
    TaskEventRecord e = taskEvent(TaskEventRecord::Kind::Result, task, status, ts, attempts);
    e.createdMs = created;
    e.firstStartedMs = firstStart;
    e.startedMs = lastStart;
    return e;
}

// TaskMetrics on its own: its Redis client is never started (poll() is not called).
struct TaskMetricsFixture
{
    ManualClock clock;
    RedisClient redis{RedisConfig{}};
    ModelCatalog catalog{redis, clock};
    MetricsRegistry registry;
    TaskMetrics metrics{registry, catalog, redis, clock};
};

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT
private slots:
    void countersRaisedToRunningTotals()
    {
        // A counter someone else keeps as a total (a process's CPU seconds): up to it, never down.
        MetricsRegistry registry;
        registry.declare("kept_total", MetricsRegistry::Type::Counter, "Kept elsewhere.");
        registry.declare("level", MetricsRegistry::Type::Gauge, "A gauge.");
        registry.raiseTo("kept_total", {{"k", "v"}}, 10);
        QCOMPARE(registry.value("kept_total", {{"k", "v"}}), 10.0);
        registry.raiseTo("kept_total", {{"k", "v"}}, 7); // a total read out of order
        QCOMPARE(registry.value("kept_total", {{"k", "v"}}), 10.0);
        registry.raiseTo("kept_total", {{"k", "v"}}, 12.5);
        QCOMPARE(registry.value("kept_total", {{"k", "v"}}), 12.5);
        registry.raiseTo("level", {}, 3); // not a counter: nothing
        QCOMPARE(registry.value("level", {}), 0.0);
    }
    void formatsValues_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("zero") << 0.0 << QByteArray("0");
        QTest::newRow("integer") << 42.0 << QByteArray("42");
        QTest::newRow("negative") << -3.0 << QByteArray("-3");
        QTest::newRow("fraction") << 0.25 << QByteArray("0.25");
        QTest::newRow("inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
        QTest::newRow("-inf") << -std::numeric_limits<double>::infinity() << QByteArray("-Inf");
    }
    void formatsValues()
    {
        QFETCH(double, value);
        QFETCH(QByteArray, text);
        QCOMPARE(MetricsRegistry::formatValue(value), text);
    }

    void escapesLabelValues_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("escaped");
        QTest::newRow("plain") << QByteArray("/api/v1/models/{name}") << QByteArray("/api/v1/models/{name}");
        QTest::newRow("quote") << QByteArray("a\"b") << QByteArray("a\\\"b");
        QTest::newRow("backslash") << QByteArray("a\\b") << QByteArray("a\\\\b");
        QTest::newRow("newline") << QByteArray("a\nb") << QByteArray("a\\nb");
    }
    void escapesLabelValues()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, escaped);
        QCOMPARE(MetricsRegistry::escapeLabelValue(raw), escaped);
    }

    void rendersFamiliesWithHelpAndType()
    {
        MetricsRegistry registry;
        registry.declare("t_requests_total", MetricsRegistry::Type::Counter,
                         "Requests.\nSecond line \\ too.");
        registry.declare("t_depth", MetricsRegistry::Type::Gauge, "Depth.");
        registry.declare("t_seconds", MetricsRegistry::Type::Histogram, "Durations.", {0.1, 1, 0.5});
        registry.add("t_requests_total", {{"route", "/a"}, {"code", "200"}});
        registry.add("t_requests_total", {{"route", "/a"}, {"code", "200"}}, 2);
        registry.add("t_requests_total", {{"route", "/a"}, {"code", "200"}},
                     -5); // ignored: counters only go up
        registry.add("t_requests_total", {{"route", "we\"ird"}, {"code", "404"}});
        registry.set("t_depth", {{"model", "echo"}}, 7);
        registry.set("t_depth", {{"model", "echo"}}, 3);
        registry.set("t_requests_total", {{"route", "/a"}}, 100); // wrong kind: ignored
        registry.add("undeclared", {});                           // ignored
        registry.observe("t_seconds", {{"model", "echo"}}, 0.05);
        registry.observe("t_seconds", {{"model", "echo"}}, 0.7);
        registry.observe("t_seconds", {{"model", "echo"}}, 5);
        const QByteArray text = registry.exposition();
        QVERIFY2(validateExposition(text).isEmpty(), qPrintable(validateExposition(text) + "\n" + text));
        QVERIFY(text.contains("# HELP t_requests_total Requests.\\nSecond line \\\\ too.\n"));
        QVERIFY(text.contains("# TYPE t_requests_total counter\n"));
        QVERIFY(text.contains("t_requests_total{route=\"/a\",code=\"200\"} 3\n"));
        QVERIFY(text.contains("t_requests_total{route=\"we\\\"ird\",code=\"404\"} 1\n"));
        QVERIFY(!text.contains("t_requests_total{route=\"/a\"} "));
        QVERIFY(text.contains("t_depth{model=\"echo\"} 3\n"));
        QVERIFY(text.contains("t_seconds_bucket{model=\"echo\",le=\"0.1\"} 1\n"));
        QVERIFY(text.contains("t_seconds_bucket{model=\"echo\",le=\"0.5\"} 1\n"));
        QVERIFY(text.contains("t_seconds_bucket{model=\"echo\",le=\"1\"} 2\n"));
        QVERIFY(text.contains("t_seconds_bucket{model=\"echo\",le=\"+Inf\"} 3\n"));
        QVERIFY(text.contains("t_seconds_sum{model=\"echo\"} 5.75\n"));
        QVERIFY(text.contains("t_seconds_count{model=\"echo\"} 3\n"));
        QVERIFY(!text.contains("undeclared"));
        registry.clear("t_depth");
        QVERIFY(!registry.exposition().contains("t_depth{"));
        QVERIFY(registry.exposition().contains("# TYPE t_depth gauge\n"));
    }

    // A series found once and kept is the series the name and labels find; clearing its family (a counter's)
    // leaves it, so a kept handle never dangles.
    void keptHandlesUpdateTheirSeries()
    {
        using T = MetricsRegistry::Type;
        MetricsRegistry registry;
        registry.declare("t_total", T::Counter, "Count.");
        registry.declare("t_seconds", T::Histogram, "Durations.", {0.1, 1});
        registry.declare("t_depth", T::Gauge, "Depth.");
        const MetricsRegistry::Handle counter = registry.counter("t_total", {{"model", "echo"}});
        const MetricsRegistry::Handle histogram = registry.histogram("t_seconds", {{"model", "echo"}});
        QVERIFY(!counter.isNull());
        QVERIFY(!histogram.isNull());
        registry.add(counter);
        registry.add(counter, 2);
        registry.add(counter, -1); // counters only go up
        registry.add("t_total", {{"model", "echo"}});
        QCOMPARE(registry.value("t_total", {{"model", "echo"}}), 4.0);
        registry.observe(histogram, 0.05);
        registry.observe("t_seconds", {{"model", "echo"}}, 2);
        const QByteArray text = registry.exposition();
        QVERIFY2(text.contains("t_seconds_bucket{model=\"echo\",le=\"0.1\"} 1\n"), text);
        QVERIFY2(text.contains("t_seconds_count{model=\"echo\"} 2\n"), text);
        QVERIFY2(text.contains("t_seconds_sum{model=\"echo\"} 2.05\n"), text);
        // No handle for an undeclared family or one of another kind; using one changes nothing.
        QVERIFY(registry.counter("undeclared", {}).isNull());
        QVERIFY(registry.counter("t_seconds", {}).isNull());
        QVERIFY(registry.histogram("t_total", {}).isNull());
        QVERIFY(registry.counter("t_depth", {}).isNull());
        registry.add(registry.counter("undeclared", {}));
        registry.observe(registry.counter("t_seconds", {}), 1);
        QCOMPARE(registry.exposition(), text);
        registry.clear("t_total");
        registry.clear("t_seconds");
        registry.add(counter);
        QCOMPARE(registry.value("t_total", {{"model", "echo"}}), 5.0);
        QVERIFY(registry.exposition().contains("t_seconds_count{model=\"echo\"} 2\n"));
    }

    // A model's events stream is written by the model's own Redis user: a status the broker never writes
    // counts nowhere, so however many a model invents, the servers' metrics keep the series they had.
    void aModelCannotAddSeries()
    {
        TaskMetricsFixture f;
        MetricsRegistry& registry = f.registry;
        TaskMetrics& metrics = f.metrics;
        metrics.onEvents({finalEvent("t1", "succeeded", 2000, 1, 1000, 1500, 1500)});
        const QByteArray before = registry.exposition();
        std::vector<TaskEventRecord> forged;
        for (int i = 0; i < 1000; ++i) {
            const QByteArray status = "made-up-" + QByteArray::number(i);
            forged.push_back(
                taskEvent(TaskEventRecord::Kind::Result, "t" + QByteArray::number(i), status, 3000, 1));
            forged.push_back(
                taskEvent(TaskEventRecord::Kind::Status, "t" + QByteArray::number(i), status, 3000, 2));
        }
        metrics.onEvents(forged);
        QCOMPARE(registry.exposition(), before);
        QCOMPARE(registry.value("mmf_tasks_total", {{"model", "echo"}, {"status", "made-up-7"}}), 0.0);
        // The statuses the broker writes still count.
        metrics.onEvents({taskEvent(TaskEventRecord::Kind::Result, "t2", "dead_lettered", 4000, 3)});
        QCOMPARE(registry.value("mmf_tasks_total", {{"model", "echo"}, {"status", "dead_lettered"}}), 1.0);
        QCOMPARE(registry.value("mmf_tasks_total", {{"model", "echo"}, {"status", "running"}}), 2.0);
        QCOMPARE(registry.value("mmf_redeliveries_total", {{"model", "echo"}}), 1.0);
    }

    void finalEventsCarryTheTimings()
    {
        // Running events are written only while someone subscribes to them: the final event carries the
        // creation, first start and last start, and a running event adds nothing.
        TaskMetricsFixture f;
        MetricsRegistry& registry = f.registry;
        TaskMetrics& metrics = f.metrics;
        TaskEventRecord running = taskEvent(TaskEventRecord::Kind::Status, "t3", "running", 7000, 1);
        running.createdMs = 6500;
        metrics.onEvents({running, finalEvent("t3", "succeeded", 8000, 1, 6500, 7000, 7000)});
        const QByteArray text = registry.exposition();
        QVERIFY2(text.contains("mmf_task_duration_seconds_sum{model=\"echo\",stage=\"queue\"} 0.5\n"), text);
        QVERIFY2(text.contains("mmf_task_duration_seconds_sum{model=\"echo\",stage=\"run\"} 1\n"), text);
        QVERIFY2(text.contains("mmf_task_duration_seconds_sum{model=\"echo\",stage=\"total\"} 1.5\n"), text);
        QVERIFY2(text.contains("mmf_task_duration_seconds_count{model=\"echo\",stage=\"run\"} 1\n"), text);
        QCOMPARE(registry.value("mmf_tasks_total", {{"model", "echo"}, {"status", "running"}}), 1.0);
    }

    void taskEventsFeedCountersAndDurations()
    {
        TaskMetricsFixture f;
        MetricsRegistry& registry = f.registry;
        TaskMetrics& metrics = f.metrics;
        using K = TaskEventRecord::Kind;
        TaskEventRecord retry = taskEvent(K::Status, "t2", "queued", 4200, 1);
        retry.nextAttemptAtMs = 4900;
        metrics.onEvents({taskEvent(K::Status, "t1", "running", 1500, 1)});
        metrics.onEvents({finalEvent("t1", "succeeded", 3500, 1, 1000, 1500, 1500),
                          taskEvent(K::Status, "t2", "running", 4100, 1), retry,
                          taskEvent(K::Status, "t2", "running", 5000, 2),
                          finalEvent("t2", "failed", 6000, 2, 4000, 4100, 5000),
                          finalEvent("t4", "cancelled", 6500, 1, 6000, 0, 0)});
        metrics.onHttpRequest("/api/v1/models", 200);
        metrics.onHttpRequest("", 404);
        metrics.onEvicted("echo");
        QCOMPARE(registry.value("mmf_tasks_total", {{"model", "echo"}, {"status", "succeeded"}}), 1.0);
        QCOMPARE(registry.value("mmf_tasks_total", {{"model", "echo"}, {"status", "failed"}}), 1.0);
        QCOMPARE(registry.value("mmf_tasks_total", {{"model", "echo"}, {"status", "queued"}}), 1.0);
        QCOMPARE(registry.value("mmf_tasks_total", {{"model", "echo"}, {"status", "cancelled"}}), 1.0);
        // Attempts started, counted as they end: t1's, t2's first (retried) and second; not a cancel.
        QCOMPARE(registry.value("mmf_tasks_total", {{"model", "echo"}, {"status", "running"}}), 3.0);
        QCOMPARE(registry.value("mmf_redeliveries_total", {{"model", "echo"}}), 1.0);
        QCOMPARE(registry.value("mmf_retries_total", {{"model", "echo"}}), 1.0);
        QCOMPARE(registry.value("mmf_instances_evicted_total", {{"model", "echo"}}), 1.0);
        QCOMPARE(registry.value("mmf_http_requests_total", {{"route", "unmatched"}, {"code", "404"}}), 1.0);
        const QByteArray text = registry.exposition();
        QVERIFY2(validateExposition(text).isEmpty(), qPrintable(validateExposition(text) + "\n" + text));
        // t1: queue 0.5 s, run 2 s, total 2.5 s; t2: queue 0.1 s (first start), run 1 s (last start), total 2
        // s; t4 (cancelled: its creation only): total 0.5 s.
        QVERIFY2(text.contains("mmf_task_duration_seconds_count{model=\"echo\",stage=\"queue\"} 2\n"), text);
        QVERIFY2(text.contains("mmf_task_duration_seconds_sum{model=\"echo\",stage=\"queue\"} 0.6\n"), text);
        QVERIFY2(text.contains("mmf_task_duration_seconds_sum{model=\"echo\",stage=\"run\"} 3\n"), text);
        QVERIFY2(text.contains("mmf_task_duration_seconds_sum{model=\"echo\",stage=\"total\"} 5\n"), text);
        for (const char* name :
             {"mmf_models_live", "mmf_model_instances", "mmf_queue_depth", "mmf_queue_oldest_age_seconds",
              "mmf_scaler_desired_replicas", "mmf_scaler_current_replicas", "mmf_dead_letters"})
            QVERIFY2(text.contains(QByteArray("# TYPE ") + name + ' '), name);
    }

    void openApiDocumentsEveryOperationAndEachLiveModel()
    {
        auto model = std::make_shared<ModelInfo>();
        model->name = "echo-two";
        model->requestType = "mmf.models.EchoRequest";
        model->responseType = "mmf.models.EchoResponse";
        model->descriptors = DescriptorSet::builtin();
        model->request = model->descriptors->findMessage(u"mmf.models.EchoRequest");
        QVERIFY(model->request);
        const QJsonObject doc = OpenApiController::document({model}, QStringLiteral("http://127.0.0.1:1"));
        QCOMPARE(doc.value(QStringLiteral("openapi")).toString(), QStringLiteral("3.1.0"));
        const QJsonObject paths = doc.value(QStringLiteral("paths")).toObject();
        const QJsonObject schemas =
            doc.value(QStringLiteral("components")).toObject().value(QStringLiteral("schemas")).toObject();
        QSet<QString> operationIds;
        for (auto path = paths.begin(); path != paths.end(); ++path) {
            const QJsonObject item = path.value().toObject();
            for (auto op = item.begin(); op != item.end(); ++op) {
                const QJsonObject operation = op.value().toObject();
                const QString id = operation.value(QStringLiteral("operationId")).toString();
                QVERIFY2(!id.isEmpty() && !operationIds.contains(id), qPrintable(path.key()));
                operationIds.insert(id);
                QVERIFY(!operation.value(QStringLiteral("summary")).toString().isEmpty());
                const QJsonObject responses = operation.value(QStringLiteral("responses")).toObject();
                QVERIFY2(responses.contains(QStringLiteral("400")), qPrintable(path.key()));
                // Every {param} of the path is declared.
                static const QRegularExpression placeholder(QStringLiteral("\\{([a-z_]+)\\}"));
                for (auto it = placeholder.globalMatch(path.key()); it.hasNext();) {
                    const QString name = it.next().captured(1);
                    bool declared = false;
                    for (const QJsonValue& p : operation.value(QStringLiteral("parameters")).toArray())
                        declared |= p.toObject().value(QStringLiteral("name")).toString() == name;
                    QVERIFY2(declared, qPrintable(path.key() + QLatin1Char(' ') + name));
                }
            }
        }
        // Every $ref resolves.
        const QByteArray json = QJsonDocument(doc).toJson(QJsonDocument::Compact);
        static const QRegularExpression refs(
            QStringLiteral("\"\\$ref\":\"#/components/(schemas|responses)/([^\"]+)\""));
        for (auto it = refs.globalMatch(QString::fromUtf8(json)); it.hasNext();) {
            const auto m = it.next();
            const QJsonObject section =
                doc.value(QStringLiteral("components")).toObject().value(m.captured(1)).toObject();
            QVERIFY2(section.contains(m.captured(2)), qPrintable(m.captured(0)));
        }
        QVERIFY(paths.contains(QStringLiteral("/api/v1/models/echo-two/tasks")));
        QVERIFY(paths.contains(QStringLiteral("/api/v1/openapi.json")));
        const QJsonObject request = schemas.value(QStringLiteral("mmf.models.EchoRequest")).toObject();
        QVERIFY(request.value(QStringLiteral("properties")).toObject().contains(QStringLiteral("text")));
        QVERIFY(!request.contains(QStringLiteral("$schema")));
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
