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
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QGraphicsLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineSeries>
#include <QProgressBar>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace mmf::studio {

namespace {

constexpr qint64 kWindowMs = 10 * 60 * 1000;
constexpr qint64 kMinSpanMs = 60 * 1000;

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
    , m_history(new StatsHistory(m_clock, 600, this))
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

    m_replicasView->setObjectName(QStringLiteral("replicasChart"));
    tidy(m_replicasChart);
    m_replicasView->setChart(m_replicasChart);
    m_replicasView->setRenderHint(QPainter::Antialiasing);
    m_replicasView->setMinimumHeight(200);
    m_poolBox->setObjectName(QStringLiteral("poolBox"));
    m_scalerNote->setObjectName(QStringLiteral("scalerNote"));
    m_scalerNote->setWordWrap(true);

    auto* live = new QLineSeries;
    live->setName(StatsHistory::liveSeries());
    m_live.chart->addSeries(live);
    live->attachAxis(m_live.x);
    live->attachAxis(m_live.y);
    m_live.chart->legend()->hide();

    auto* scalerColumn = new QVBoxLayout;
    scalerColumn->addWidget(m_poolBox);
    scalerColumn->addWidget(m_scalerNote);
    scalerColumn->addWidget(m_replicasView, 1);

    auto* grid = new QGridLayout(this);
    grid->addWidget(m_live.view, 0, 0);
    grid->addLayout(scalerColumn, 0, 1);
    grid->addWidget(m_instances.view, 1, 0);
    grid->addWidget(m_queue.view, 1, 1);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);

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

DashboardPage::TimeChart DashboardPage::makeTimeChart(const QString& name)
{
    TimeChart c;
    c.chart = new QChart;
    tidy(c.chart);
    c.x = new QDateTimeAxis;
    c.x->setFormat(QStringLiteral("HH:mm:ss"));
    c.x->setTickCount(6);
    c.y = new QValueAxis;
    c.y->setLabelFormat(QStringLiteral("%d"));
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

void DashboardPage::updateCharts()
{
    // Samples keep coming while the page is hidden; drawing waits until it is shown.
    if (!isVisible()) {
        m_chartsStale = true;
        return;
    }
    m_chartsStale = false;
    const qint64 latest = m_history->liveModels().latestTimestamp();
    const qint64 end = latest > 0 ? latest : m_clock.nowMs();
    // The axis spans what was sampled, growing to the last 10 minutes (at least one minute).
    const QList<QPointF> live = m_history->liveModels().points(StatsHistory::liveSeries());
    const qint64 first = live.isEmpty() ? end : qint64(live.first().x());
    const qint64 span = std::clamp<qint64>(end - first, kMinSpanMs, kWindowMs);
    const QDateTime to = QDateTime::fromMSecsSinceEpoch(end);
    const QDateTime from = to.addMSecs(-span);
    const QString format = span <= 3 * 60 * 1000 ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm");

    auto fill = [&](TimeChart& c, const TimeSeriesBuffer& buffer) {
        QMap<QString, QLineSeries*> existing;
        for (QAbstractSeries* series : c.chart->series())
            if (auto* line = qobject_cast<QLineSeries*>(series))
                existing.insert(line->name(), line);
        for (const QString& name : buffer.seriesNames()) {
            QLineSeries* line = existing.value(name);
            if (!line) {
                line = new QLineSeries;
                line->setName(name);
                c.chart->addSeries(line);
                line->attachAxis(c.x);
                line->attachAxis(c.y);
            }
            line->replace(buffer.points(name));
        }
        c.x->setRange(from, to);
        c.x->setFormat(format);
        c.y->setRange(0, niceMax(buffer.maxValue()));
        c.y->applyNiceNumbers();
    };
    fill(m_live, m_history->liveModels());
    fill(m_instances, m_history->instances());
    fill(m_queue, m_history->queueDepth());
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
    else
        m_scalerNote->setText(tr("%n model(s) under the scaler.", nullptr, m_history->scaledModelCount()));

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
