// The dashboard: TimeSeriesBuffer's ring, StatsHistory's sampling of `stats` pushes and scaler replies, and
// DashboardPage getting points from a real server's pushes (and coping with a server with or without a
// scaler).
#include "ManualClock.h"
#include "ServerFixture.h"

#include "core/ApiClient.h"
#include "core/Clock.h"
#include "core/EventStream.h"
#include "core/Session.h"
#include "core/StatsHistory.h"
#include "core/StudioContext.h"
#include "core/TimeSeriesBuffer.h"
#include "gui/DashboardPage.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineSeries>
#include <QSet>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace mmf;
using namespace mmf::studio;

namespace {

QJsonObject push(const QString& ts, const QList<QPair<QString, int>>& instances, int queue = 0)
{
    QJsonArray models;
    for (const auto& [name, count] : instances)
        models.append(QJsonObject{{"name", name},
                                  {"instances", count},
                                  {"queue_depth", queue},
                                  {"desired", count + 1},
                                  {"current", count}});
    QJsonObject out{{"type", "stats"}, {"models", models}};
    if (!ts.isEmpty())
        out.insert("ts", ts);
    return out;
}

QLineSeries* seriesNamed(QChartView* view, const QString& name)
{
    for (QAbstractSeries* series : view->chart()->series())
        if (series->property("key").toString() == name)
            return qobject_cast<QLineSeries*>(series);
    return nullptr;
}

} // namespace

class TestStudioDashboard : public QObject
{
    Q_OBJECT

private slots:
    void ring_data();
    void ring();
    void historyFromPushes();
    void scalerReply();
    void pageGetsPoints();
    void overlappingSeriesStayApart();
    void minuteAveragesKeepTheDay();
};

void TestStudioDashboard::ring_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("appended");
    QTest::newRow("empty") << 5 << 0;
    QTest::newRow("partial") << 5 << 3;
    QTest::newRow("exactly full") << 5 << 5;
    QTest::newRow("wrapped once") << 5 << 7;
    QTest::newRow("wrapped many times") << 600 << 1805;
}

void TestStudioDashboard::ring()
{
    QFETCH(int, capacity);
    QFETCH(int, appended);
    TimeSeriesBuffer buffer(capacity);
    for (int i = 0; i < appended; ++i)
        buffer.append("s", 1000 * i, i);
    const int kept = std::min(capacity, appended);
    QCOMPARE(buffer.size("s"), kept);
    const QList<QPointF> points = buffer.points("s");
    QCOMPARE(points.size(), kept);
    // Oldest first, the newest `kept` samples, in order.
    for (int i = 0; i < kept; ++i) {
        QCOMPARE(points[i].y(), double(appended - kept + i));
        QCOMPARE(points[i].x(), 1000.0 * (appended - kept + i));
    }
    QCOMPARE(buffer.last("s", -1), appended ? double(appended - 1) : -1.0);
    QCOMPARE(buffer.maxValue(), appended ? double(appended - 1) : 0.0);
    QCOMPARE(buffer.points("unknown").size(), 0);
}

void TestStudioDashboard::historyFromPushes()
{
    ManualClock clock;
    StatsHistory history(clock, 3);
    QSignalSpy sampled(&history, &StatsHistory::sampled);
    history.ingestStats(push("2026-11-26T10:00:00.000Z", {{"echo", 2}, {"calc", 0}}, 4));
    history.ingestStats(push("2026-11-26T10:00:01.000Z", {{"echo", 3}}, 1));
    QCOMPARE(sampled.count(), 2);
    QCOMPARE(history.sampleCount(), 2);
    // Live = models with an instance.
    QCOMPARE(history.liveModels().points(StatsHistory::liveSeries()).size(), 2);
    QCOMPARE(history.liveModels().last(StatsHistory::liveSeries()), 1.0);
    QCOMPARE(history.instances().last("echo"), 3.0);
    QCOMPARE(history.queueDepth().points("echo").first().y(), 4.0);
    // calc vanished from the second push: it drops to zero instead of freezing.
    QCOMPARE(history.instances().size("calc"), 2);
    QCOMPARE(history.instances().last("calc", -1), 0.0);
    // The push's time is the x value.
    const QDateTime t0 = QDateTime::fromString("2026-11-26T10:00:00.000Z", Qt::ISODateWithMs);
    QCOMPARE(qint64(history.instances().points("echo").first().x()), t0.toMSecsSinceEpoch());
    // Desired/current from the pushes.
    QCOMPARE(history.scaler().models.size(), 2);
    QCOMPARE(history.scaler().models[1].name, QStringLiteral("echo"));
    QCOMPARE(history.scaler().models[1].desired, 4);
    QCOMPARE(history.scaler().models[1].current, 3);
    // Bounded: capacity 3.
    for (int i = 0; i < 10; ++i)
        history.ingestStats(push({}, {{"echo", i}}));
    QCOMPARE(history.instances().size("echo"), 3);
    // Without "ts" the clock stamps the sample.
    QCOMPARE(qint64(history.instances().points("echo").last().x()), clock.nowMs());
    QCOMPARE(history.instances().last("echo"), 9.0);
}

void TestStudioDashboard::scalerReply()
{
    ManualClock clock;
    StatsHistory history(clock);
    QSignalSpy changed(&history, &StatsHistory::scalerChanged);
    const QJsonObject reply{{"pool", QJsonObject{{"total", QJsonObject{{"cpu", 8}, {"gpu", 1}}},
                                                 {"used", QJsonObject{{"cpu", 3}}}}},
                            {"models", QJsonArray{QJsonObject{{"name", "zeta"},
                                                              {"mode", "dynamic"},
                                                              {"min", 0},
                                                              {"max", 4},
                                                              {"desired", 2},
                                                              {"current", 1},
                                                              {"resources", QJsonObject{{"cpu", 1}}}},
                                                  QJsonObject{{"name", "alpha"},
                                                              {"mode", "static"},
                                                              {"min", 1},
                                                              {"max", 1},
                                                              {"desired", 1},
                                                              {"current", 1}}}}};
    // A model known from the pushes only stays beside the scaler's, not counted as scaled.
    history.ingestStats(push("2026-11-26T10:00:00.000Z", {{"echo", 2}}));
    QCOMPARE(changed.count(), 1);
    history.ingestScaler(reply);
    QCOMPARE(changed.count(), 2);
    QCOMPARE(history.scaledModelCount(), 2);
    const StatsHistory::ScalerView& view = history.scaler();
    QVERIFY(view.available);
    QCOMPARE(view.poolTotal.value("cpu"), 8.0);
    QCOMPARE(view.poolTotal.value("gpu"), 1.0);
    QCOMPARE(view.poolUsed.value("cpu"), 3.0);
    QCOMPARE(view.models.size(), 3);
    QCOMPARE(view.models[0].name, QStringLiteral("alpha")); // sorted
    QCOMPARE(view.models[1].name, QStringLiteral("echo"));
    QVERIFY(view.models[1].mode.isEmpty());
    QCOMPARE(view.models[1].current, 2);
    QCOMPARE(view.models[2].mode, QStringLiteral("dynamic"));
    QCOMPARE(view.models[2].max, 4);
    QCOMPARE(view.models[2].resources.value("cpu"), 1.0);
    history.setScalerUnavailable();
    QVERIFY(!history.scaler().available);
    QCOMPARE(changed.count(), 3);
}

void TestStudioDashboard::pageGetsPoints()
{
    ServerFixture server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QByteArray token = server.issueToken("dash", "default", "score,read,serve,admin");
    QVERIFY(!token.isEmpty());
    WorkerFixture worker("echo", server.url(), token);
    QVERIFY(worker.start());
    QVERIFY2(worker.waitForReady(), worker.output().constData());

    QTemporaryDir dir;
    QSettings settings(dir.filePath("studio.ini"), QSettings::IniFormat);
    ApiClient api;
    Session session(api, settings);
    EventStream events(api);
    StudioContext context{api, session, events, settings};
    session.useToken(server.url(), token, "dash");

    DashboardPage page(context);
    page.resize(1100, 750);
    QSignalSpy scaler(&page, &DashboardPage::scalerLoaded);
    page.show();
    events.open();

    auto* instances = page.findChild<QChartView*>("instancesChart");
    auto* queue = page.findChild<QChartView*>("queueChart");
    auto* live = page.findChild<QChartView*>("liveModelsChart");
    QVERIFY(instances && queue && live);
    // The server pushes stats every second: wait for a few samples of echo.
    QTRY_VERIFY_WITH_TIMEOUT(seriesNamed(instances, "echo") && seriesNamed(instances, "echo")->count() >= 3,
                             20000);
    QVERIFY(page.history().sampleCount() >= 3);
    QCOMPARE(seriesNamed(instances, "echo")->points().last().y(), 1.0);
    QVERIFY(seriesNamed(queue, "echo"));
    QVERIFY(seriesNamed(live, StatsHistory::liveSeries())->count() >= 3);
    QVERIFY(seriesNamed(live, StatsHistory::liveSeries())->points().last().y() >= 1.0);

    // The scaler answered, or the server has none (404): either way the page says so and does not fail.
    QVERIFY(scaler.count() > 0 || scaler.wait(10000));
    auto* note = page.findChild<QLabel*>("scalerNote");
    QVERIFY(note);
    QVERIFY(!note->text().isEmpty());
    QVERIFY2(!note->text().startsWith("Scaler:"), qPrintable(note->text())); // no error shown
    QVERIFY(page.findChild<QChartView*>("replicasChart")->chart()->series().size() == 1);
}

// Five models with the same instance count drew as two visible lines (issue 20): each series now has its
// own dash pattern and width, and its legend entry says its latest value; the scaler note does not say
// "0 model(s)" beside a chart of five.
void TestStudioDashboard::overlappingSeriesStayApart()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath("studio.ini"), QSettings::IniFormat);
    ApiClient api; // no server: the page runs on the pushes it is given
    Session session(api, settings);
    EventStream events(api);
    StudioContext context{api, session, events, settings};
    DashboardPage page(context);
    page.resize(1100, 750);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    const QStringList names{"arith", "calc", "digits", "echo", "image"};
    for (int second = 0; second < 5; ++second) {
        QList<QPair<QString, int>> counts;
        for (const QString& name : names)
            counts.append({name, 1});
        page.history().ingestStats(push(QStringLiteral("2026-11-26T10:00:0%1.000Z").arg(second), counts));
    }
    page.history().ingestScaler(QJsonObject{{"models", QJsonArray{}}});
    auto* instances = page.findChild<QChartView*>("instancesChart");
    QVERIFY(instances);
    QSet<QPair<int, int>> looks; // (pen style, width in tenths)
    for (const QString& name : names) {
        QLineSeries* line = seriesNamed(instances, name);
        QVERIFY2(line, qPrintable(name));
        QCOMPARE(line->points().last().y(), 1.0);
        looks.insert({int(line->pen().style()), qRound(line->pen().widthF() * 10)});
        QVERIFY2(line->name().startsWith(name) && line->name().contains("1"), qPrintable(line->name()));
    }
    QCOMPARE(looks.size(), names.size());
    // The widest line is drawn first, underneath: every narrower one stays visible on top of it.
    QVERIFY(seriesNamed(instances, "arith")->pen().widthF() >
            seriesNamed(instances, "image")->pen().widthF());
    auto* note = page.findChild<QLabel*>("scalerNote");
    QVERIFY2(!note->text().startsWith("0 "), qPrintable(note->text()));
    QCOMPARE(page.findChild<QChartView*>("replicasChart")->chart()->series().size(), 1);
    if (const QString out = qEnvironmentVariable("MMF_SCREENSHOT_DIR"); !out.isEmpty())
        page.grab().save(out + "/dashboard-overlap.png");

    // The window is a choice; the per-model tab draws throughput, failures and latency.
    auto* window = page.findChild<QComboBox*>("dashboardWindow");
    QVERIFY(window);
    QCOMPARE(window->count(), 3);
    page.setWindowMinutes(60);
    QCOMPARE(page.windowMinutes(), 60);
    page.findChild<QTabWidget*>("dashboardTabs")->setCurrentIndex(1);
    auto* latency = page.findChild<QChartView*>("latencyChart");
    QVERIFY(latency);
    QTRY_VERIFY(seriesNamed(latency, "echo p50") && seriesNamed(latency, "echo p99"));
    QCOMPARE(seriesNamed(latency, "echo p99")->pen().style(), Qt::DashLine);
    QCOMPARE(seriesNamed(latency, "echo p50")->pen().color(),
             seriesNamed(latency, "echo p99")->pen().color());
    QVERIFY(seriesNamed(page.findChild<QChartView*>("throughputChart"), "echo"));
    QVERIFY(seriesNamed(page.findChild<QChartView*>("failuresChart"), "echo"));
}

// A day at one sample a second would be 86,400 points per series: the history keeps minute averages for it.
void TestStudioDashboard::minuteAveragesKeepTheDay()
{
    ManualClock clock;
    StatsHistory history(clock, 60);
    const qint64 start = 1'700'000'040'000; // a minute boundary
    for (int second = 0; second < 3 * 60; ++second) {
        clock.setMs(start + second * 1000LL);
        history.ingestStats(push({}, {{"echo", second < 60 ? 2 : 4}}));
    }
    const TimeSeriesBuffer& minutes =
        history.series(StatsHistory::Instances, StatsHistory::Resolution::Minutes);
    // Two whole minutes are rolled up (the third is still open), each the mean of its samples.
    QCOMPARE(minutes.size("echo"), 2);
    QCOMPARE(minutes.points("echo").at(0).y(), 2.0);
    QCOMPARE(minutes.points("echo").at(1).y(), 4.0);
    QCOMPARE(qint64(minutes.points("echo").at(0).x()), start + 30000);
    QCOMPARE(history.instances().size("echo"), 60); // the per-push samples stay bounded
}

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestStudioDashboard test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_studio_dashboard.moc"
