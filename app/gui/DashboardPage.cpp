#include "gui/DashboardPage.h"

#include "core/ApiClient.h"
#include "core/ErrorText.h"
#include "core/EventStream.h"
#include "core/StatsHistory.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QGraphicsLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QProgressBar>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace mmf::studio {

namespace {

constexpr qint64 kMinSpanMs = 60 * 1000;
const Qt::PenStyle kStyles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine,
                                Qt::DashDotDotLine};

void tidy(QChart* chart)
{
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(0);
}

double niceMax(double value)
{
    if (value <= 4)
        return 4;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (value <= step * magnitude)
            return step * magnitude;
    return 10 * magnitude;
}

} // namespace

DashboardPage::DashboardPage(StudioContext& context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_history(new StatsHistory(m_clock, 3600, this))
    , m_replicasView(new QChartView(this))
    , m_replicasChart(new QChart)
    , m_poolBox(new QGroupBox(this))
    , m_poolLayout(new QVBoxLayout(m_poolBox))
    , m_scalerNote(new QLabel(this))
{
    setObjectName(QStringLiteral("dashboardPage"));
    m_live = makeTimeChart(QStringLiteral("liveModelsChart"));
    m_instances = makeTimeChart(QStringLiteral("instancesChart"));
    m_queue = makeTimeChart(QStringLiteral("queueChart"));
    m_throughput = makeTimeChart(QStringLiteral("throughputChart"), QStringLiteral("%.1f"));
    m_failures = makeTimeChart(QStringLiteral("failuresChart"), QStringLiteral("%.1f"));
    m_latency = makeTimeChart(QStringLiteral("latencyChart"));

    m_replicasView->setObjectName(QStringLiteral("replicasChart"));
    tidy(m_replicasChart);
    m_replicasView->setChart(m_replicasChart);
    m_replicasView->setRenderHint(QPainter::Antialiasing);
    m_replicasView->setMinimumHeight(200);
    m_poolBox->setObjectName(QStringLiteral("poolBox"));
    m_scalerNote->setObjectName(QStringLiteral("scalerNote"));
    m_scalerNote->setWordWrap(true);

    m_live.chart->legend()->hide();

    auto* scalerColumn = new QVBoxLayout;
    scalerColumn->addWidget(m_poolBox);
    scalerColumn->addWidget(m_scalerNote);
    scalerColumn->addWidget(m_replicasView, 1);

    m_window = new QComboBox(this);
    m_window->setObjectName(QStringLiteral("dashboardWindow"));
    m_window->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    for (int minutes : {5, 60, 24 * 60})
        m_window->addItem(QString(), minutes);
    m_window->setCurrentIndex(0);
    m_windowLabel = new QLabel(this);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_windowLabel);
    bar->addWidget(m_window);
    bar->addStretch();

    auto* overview = new QWidget(this);
    auto* grid = new QGridLayout(overview);
    grid->addWidget(m_live.view, 0, 0);
    grid->addLayout(scalerColumn, 0, 1);
    grid->addWidget(m_instances.view, 1, 0);
    grid->addWidget(m_queue.view, 1, 1);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    auto* perModel = new QWidget(this);
    auto* perModelGrid = new QGridLayout(perModel);
    perModelGrid->addWidget(m_throughput.view, 0, 0);
    perModelGrid->addWidget(m_failures.view, 0, 1);
    perModelGrid->addWidget(m_latency.view, 1, 0, 1, 2);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("dashboardTabs"));
    m_tabs->addTab(overview, QString());
    m_tabs->addTab(perModel, QString());
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_tabs, 1);
    connect(m_window, &QComboBox::currentIndexChanged, this, [this] { updateCharts(); });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] { updateCharts(); });

    connect(m_history, &StatsHistory::sampled, this, &DashboardPage::updateCharts);
    connect(m_history, &StatsHistory::scalerChanged, this, &DashboardPage::updateScaler);
    connect(&m_context.events, &EventStream::statsReceived, m_history, &StatsHistory::ingestStats);
    m_context.events.subscribe(QStringLiteral("stats"));

    m_scalerTimer.setInterval(10000);
    connect(&m_scalerTimer, &QTimer::timeout, this, &DashboardPage::refreshScaler);
    retranslateUi();
    updateScaler();
}

DashboardPage::~DashboardPage()
{
    m_context.events.unsubscribe(QStringLiteral("stats"));
}

DashboardPage::TimeChart DashboardPage::makeTimeChart(const QString& name, const QString& format)
{
    TimeChart c;
    c.chart = new QChart;
    tidy(c.chart);
    c.x = new QDateTimeAxis;
    c.x->setFormat(QStringLiteral("HH:mm:ss"));
    c.x->setTickCount(6);
    c.y = new QValueAxis;
    c.y->setLabelFormat(format);
    c.y->setRange(0, 4);
    c.y->setTickCount(5);
    c.chart->addAxis(c.x, Qt::AlignBottom);
    c.chart->addAxis(c.y, Qt::AlignLeft);
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(m_clock.nowMs());
    c.x->setRange(now.addMSecs(-kMinSpanMs), now);
    c.view = new QChartView(c.chart, this);
    c.view->setObjectName(name);
    c.view->setRenderHint(QPainter::Antialiasing);
    c.view->setMinimumSize(320, 200);
    return c;
}

void DashboardPage::retranslateUi()
{
    m_live.chart->setTitle(tr("Live models"));
    m_instances.chart->setTitle(tr("Instances per model"));
    m_queue.chart->setTitle(tr("Queue depth per model"));
    m_throughput.chart->setTitle(tr("Throughput per model (tasks/s)"));
    m_failures.chart->setTitle(tr("Failures per model (tasks/s)"));
    m_latency.chart->setTitle(tr("Latency per model, end to end (ms): p50 solid, p99 dashed"));
    m_windowLabel->setText(tr("Window:"));
    m_window->setItemText(0, tr("5 minutes"));
    m_window->setItemText(1, tr("1 hour"));
    m_window->setItemText(2, tr("24 hours"));
    m_tabs->setTabText(0, tr("Overview"));
    m_tabs->setTabText(1, tr("Per model"));
    m_replicasChart->setTitle(tr("Replicas per model: desired and current"));
    m_poolBox->setTitle(tr("Resource pool"));
    m_replicaSignature.clear(); // the bar set names are translated
    updateScaler();
}

void DashboardPage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void DashboardPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_chartsStale)
        updateCharts();
    refreshScaler();
    m_scalerTimer.start();
}

void DashboardPage::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_scalerTimer.stop();
}

void DashboardPage::refreshScaler()
{
    m_context.api.get(QStringLiteral("/api/v1/scaler"), this, [this](const ApiResult& result) {
        if (result.httpStatus == 404) {
            m_scalerMissing = true;
            m_scalerError.clear();
            m_history->setScalerUnavailable();
            updateScaler();
            emit scalerLoaded(false);
            return;
        }
        if (!result.ok()) {
            m_scalerError = ErrorText::forResult(result);
            updateScaler();
            emit scalerLoaded(false);
            return;
        }
        m_scalerMissing = false;
        m_scalerError.clear();
        m_history->ingestScaler(result.json);
        emit scalerLoaded(true);
    });
}

int DashboardPage::windowMinutes() const
{
    return m_window->currentData().toInt();
}

void DashboardPage::setWindowMinutes(int minutes)
{
    const int index = m_window->findData(minutes);
    if (index >= 0)
        m_window->setCurrentIndex(index);
}

void DashboardPage::updateCharts()
{
    // Samples keep coming while the page is hidden; drawing waits until it is shown.
    if (!isVisible()) {
        m_chartsStale = true;
        return;
    }
    m_chartsStale = false;
    const qint64 windowMs = qint64(windowMinutes()) * 60 * 1000;
    // Up to an hour from the per-push samples, 24 hours from the minute averages.
    const auto resolution =
        windowMs > 60 * 60 * 1000 ? StatsHistory::Resolution::Minutes : StatsHistory::Resolution::Seconds;
    const TimeSeriesBuffer& liveBuffer =
        m_history->series(StatsHistory::LiveModels, StatsHistory::Resolution::Seconds);
    const qint64 latest = liveBuffer.latestTimestamp();
    const qint64 end = latest > 0 ? latest : m_clock.nowMs();
    // The axis spans what was sampled, growing to the window (at least one minute).
    const QList<QPointF> live = liveBuffer.points(StatsHistory::liveSeries());
    const qint64 first = live.isEmpty() ? end : qint64(live.first().x());
    const qint64 span = std::clamp<qint64>(end - first, kMinSpanMs, windowMs);
    const QDateTime to = QDateTime::fromMSecsSinceEpoch(end);
    const QDateTime from = to.addMSecs(-span);
    const QString format = span <= 3 * 60 * 1000     ? QStringLiteral("HH:mm:ss")
                           : span <= 6 * 3600 * 1000 ? QStringLiteral("HH:mm")
                                                     : QStringLiteral("dd HH:mm");

    // One line per (model, metric); `key` names it, the legend shows the model and its latest value.
    struct Line
    {
        QString key;
        QString model;
        QList<QPointF> points;
        Qt::PenStyle style = Qt::NoPen; // NoPen: the next of kStyles
        int colourIndex = 0;
    };
    auto within = [&](QList<QPointF> points) {
        points.erase(
            std::remove_if(points.begin(), points.end(),
                           [&](const QPointF& p) { return qint64(p.x()) < from.toMSecsSinceEpoch(); }),
            points.end());
        return points;
    };
    auto draw = [&](TimeChart& c, const QList<Line>& lines, const QString& unit) {
        QMap<QString, QLineSeries*> existing;
        for (QAbstractSeries* series : c.chart->series())
            if (auto* line = qobject_cast<QLineSeries*>(series))
                existing.insert(line->property("key").toString(), line);
        double top = 0;
        const int count = int(lines.size());
        for (int i = 0; i < count; ++i) {
            const Line& l = lines[i];
            QLineSeries* line = existing.take(l.key);
            if (!line) {
                line = new QLineSeries;
                line->setProperty("key", l.key);
                c.chart->addSeries(line);
                line->attachAxis(c.x);
                line->attachAxis(c.y);
            }
            line->replace(l.points);
            for (const QPointF& p : l.points)
                top = std::max(top, p.y());
            // Equal values draw on top of each other: the first lines are wider and each has its own
            // dash pattern, so every one still shows.
            QPen pen(QColor::fromHsv((210 + l.colourIndex * 67) % 360, 200, 190));
            pen.setStyle(l.style == Qt::NoPen ? kStyles[i % std::size(kStyles)] : l.style);
            pen.setWidthF(std::min(6.0, 1.5 + 1.2 * double(count - 1 - i)));
            line->setPen(pen);
            const double last = l.points.isEmpty() ? 0 : l.points.last().y();
            line->setName(QStringLiteral("%1: %2%3").arg(l.model, QString::number(last, 'g', 4), unit));
        }
        for (QLineSeries* gone : std::as_const(existing)) {
            c.chart->removeSeries(gone);
            delete gone;
        }
        c.x->setRange(from, to);
        c.x->setFormat(format);
        c.y->setRange(0, niceMax(top));
        c.y->applyNiceNumbers();
    };
    auto perModel = [&](StatsHistory::Metric metric, Qt::PenStyle style, const QString& suffix) {
        QList<Line> lines;
        const TimeSeriesBuffer& buffer = m_history->series(metric, resolution);
        const QStringList names =
            m_history->series(StatsHistory::Instances, StatsHistory::Resolution::Seconds).seriesNames();
        for (int i = 0; i < names.size(); ++i)
            lines.append({names[i] + suffix, names[i] + suffix, within(buffer.points(names[i])), style, i});
        return lines;
    };
    // The live count on its own chart keeps its single, unlabelled series.
    {
        QList<Line> lines{
            {StatsHistory::liveSeries(), tr("live"),
             within(
                 m_history->series(StatsHistory::LiveModels, resolution).points(StatsHistory::liveSeries())),
             Qt::SolidLine, 0}};
        draw(m_live, lines, {});
    }
    draw(m_instances, perModel(StatsHistory::Instances, Qt::NoPen, {}), {});
    draw(m_queue, perModel(StatsHistory::QueueDepth, Qt::NoPen, {}), {});
    if (m_tabs->currentIndex() == 1) {
        draw(m_throughput, perModel(StatsHistory::Throughput, Qt::NoPen, {}), tr("/s"));
        draw(m_failures, perModel(StatsHistory::Failures, Qt::NoPen, {}), tr("/s"));
        QList<Line> latency;
        const QList<Line> p50 = perModel(StatsHistory::LatencyP50, Qt::SolidLine, QStringLiteral(" p50"));
        const QList<Line> p99 = perModel(StatsHistory::LatencyP99, Qt::DashLine, QStringLiteral(" p99"));
        for (int i = 0; i < p50.size(); ++i)
            latency << p50[i] << p99[i];
        draw(m_latency, latency, tr(" ms"));
    }
}

void DashboardPage::updateScaler()
{
    const StatsHistory::ScalerView& view = m_history->scaler();

    // Pool: one bar per resource.
    const bool hasPool = !view.poolTotal.isEmpty();
    m_poolBox->setVisible(hasPool);
    for (auto it = m_poolBars.begin(); it != m_poolBars.end();) {
        if (!view.poolTotal.contains(it.key())) {
            delete it.value();
            it = m_poolBars.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = view.poolTotal.begin(); it != view.poolTotal.end(); ++it) {
        QProgressBar*& bar = m_poolBars[it.key()];
        if (!bar) {
            bar = new QProgressBar(m_poolBox);
            bar->setObjectName(QStringLiteral("pool_") + it.key());
            bar->setRange(0, 1000);
            m_poolLayout->addWidget(bar);
        }
        const double total = it.value();
        const double used = view.poolUsed.value(it.key());
        bar->setValue(total > 0 ? int(std::lround(std::clamp(used / total, 0.0, 1.0) * 1000)) : 0);
        bar->setFormat(tr("%1: %2 of %3 used")
                           .arg(it.key(), QString::number(used, 'g', 6), QString::number(total, 'g', 6)));
    }

    if (!m_scalerError.isEmpty())
        m_scalerNote->setText(tr("Scaler: %1").arg(m_scalerError));
    else if (m_scalerMissing)
        m_scalerNote->setText(tr("This server has no scaler: replicas follow the instances that run."));
    else if (!view.available)
        m_scalerNote->setText(tr("Waiting for the scaler…"));
    else if (m_history->scaledModelCount() == 0)
        m_scalerNote->setText(tr("No model is under the scaler: the replica chart shows the instances that "
                                 "run."));
    else
        m_scalerNote->setText(tr("%n model(s) under the scaler; the others show the instances that run.",
                                 nullptr, m_history->scaledModelCount()));

    // Replicas: rebuilt only when the figures change, so the chart does not flicker every second.
    QString signature;
    for (const StatsHistory::ScalerModel& m : view.models)
        signature += QStringLiteral("%1:%2:%3;").arg(m.name).arg(m.desired).arg(m.current);
    if (signature == m_replicaSignature && !m_replicasChart->series().isEmpty())
        return;
    m_replicaSignature = signature;
    m_replicasChart->removeAllSeries();
    for (QAbstractAxis* axis : m_replicasChart->axes())
        m_replicasChart->removeAxis(axis);
    auto* desired = new QBarSet(tr("Desired"));
    auto* current = new QBarSet(tr("Current"));
    QStringList names;
    int top = 0;
    for (const StatsHistory::ScalerModel& m : view.models) {
        names.append(m.name);
        *desired << m.desired;
        *current << m.current;
        top = std::max({top, m.desired, m.current});
    }
    auto* series = new QBarSeries;
    series->append(desired);
    series->append(current);
    m_replicasChart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(names);
    auto* y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%d"));
    y->setRange(0, niceMax(top));
    y->setTickCount(5);
    m_replicasChart->addAxis(x, Qt::AlignBottom);
    m_replicasChart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
}

} // namespace mmf::studio
