#pragma once

#include "core/Clock.h"
#include "core/StudioContext.h"

#include <QMap>
#include <QTimer>
#include <QWidget>

class QBarCategoryAxis;
class QBarSeries;
class QChart;
class QChartView;
class QDateTimeAxis;
class QComboBox;
class QGroupBox;
class QTabWidget;
class QLabel;
class QProgressBar;
class QValueAxis;
class QVBoxLayout;

namespace mmf::studio {

class StatsHistory;

// Charts over a chosen window (5 minutes, 1 hour, 24 hours; "dashboardWindow"), from the `stats` pushes the
// studio kept (one a second; minute averages for 24 hours): live models, instances per model, queue depth
// per model; on a second tab throughput, failures and latency (p50 solid, p99 dashed) per model. Series that
// overlap stay apart: each has its own dash pattern and width (the first drawn widest, underneath) and its
// legend entry carries its latest value. And the scaler: pool use and desired/current replicas per model (GET
// /api/v1/scaler every 10 s while shown, plus what the pushes carry). A server without a scaler (404) shows a
// note instead of the pool; the replica chart then follows the pushes alone.
class DashboardPage : public QWidget
{
    Q_OBJECT
public:
    DashboardPage(StudioContext& context, QWidget* parent = nullptr);
    ~DashboardPage() override;

    StatsHistory& history() { return *m_history; }
    // The window in minutes (5, 60 or 1440).
    int windowMinutes() const;
    void setWindowMinutes(int minutes);

public slots:
    void refreshScaler();

signals:
    void scalerLoaded(bool available);

protected:
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    struct TimeChart
    {
        QChartView* view = nullptr;
        QChart* chart = nullptr;
        QDateTimeAxis* x = nullptr;
        QValueAxis* y = nullptr;
    };
    TimeChart makeTimeChart(const QString& name, const QString& format = QStringLiteral("%d"));
    void retranslateUi();
    void updateCharts();
    void updateScaler();

    StudioContext& m_context;
    SystemClock m_clock;
    StatsHistory* m_history;
    QTimer m_scalerTimer;
    bool m_scalerMissing = false;
    bool m_chartsStale = false;
    QString m_scalerError;

    TimeChart m_live;
    TimeChart m_instances;
    TimeChart m_queue;
    TimeChart m_throughput;
    TimeChart m_failures;
    TimeChart m_latency;
    QComboBox* m_window = nullptr;
    QTabWidget* m_tabs = nullptr;
    QLabel* m_windowLabel = nullptr;
    QChartView* m_replicasView;
    QChart* m_replicasChart;
    QGroupBox* m_poolBox;
    QVBoxLayout* m_poolLayout;
    QMap<QString, QProgressBar*> m_poolBars;
    QLabel* m_scalerNote;
    QString m_replicaSignature;
};

} // namespace mmf::studio
