#include "gui/ModelDetailsPage.h"

#include "core/ApiClient.h"
#include "core/ErrorText.h"
#include "gui/AuthorLinkOpener.h"

#include <QComboBox>
#include <QDateTime>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QUrl>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace mmf::studio {

namespace {

enum Meta
{
    MetaDescription,
    MetaVersion,
    MetaOwner,
    MetaTags,
    MetaStatus,
    MetaLastSeen,
    MetaRetry,
    MetaCount
};

enum InstanceColumn
{
    InstanceId,
    InstanceAddress,
    InstanceStarted,
    InstanceHeartbeat,
    InstancePing,
    InstanceSucceeded,
    InstanceFailed,
    InstanceCurrent,
    InstanceColumns
};

enum DeadColumn
{
    DeadTask,
    DeadUser,
    DeadAttempts,
    DeadError,
    DeadAt,
    DeadColumns
};

// The API's times are RFC 3339 text; a number is taken as ms since the epoch.
qint64 timeMs(const QJsonValue& value)
{
    if (value.isDouble())
        return qint64(value.toDouble());
    const QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    return time.isValid() ? time.toMSecsSinceEpoch() : 0;
}

QString localTime(const QJsonValue& value)
{
    const qint64 ms = timeMs(value);
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().toString(
                        QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                  : QString();
}

QString numberText(const QJsonValue& value)
{
    return value.isDouble() ? QString::number(value.toDouble(), 'g', 12) : value.toString();
}

QTableWidget* makeTable(int columns, const QString& name, QWidget* parent)
{
    auto* table = new QTableWidget(0, columns, parent);
    table->setObjectName(name);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

} // namespace

ModelDetailsPage::ModelDetailsPage(StudioContext& context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_modelCombo(new QComboBox(this))
    , m_title(new QLabel(this))
    , m_docs(new QTextBrowser(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_instancesBox(new QGroupBox(m_splitter))
    , m_instancesTable(makeTable(InstanceColumns, QStringLiteral("instancesTable"), m_instancesBox))
    , m_deadBox(new QGroupBox(m_splitter))
    , m_deadTable(makeTable(DeadColumns, QStringLiteral("deadLettersTable"), m_deadBox))
    , m_replaySelected(new QPushButton(m_deadBox))
    , m_replayAll(new QPushButton(m_deadBox))
    , m_discard(new QPushButton(m_deadBox))
    , m_refresh(new QPushButton(this))
    , m_pause(new QPushButton(this))
    , m_status(new QLabel(this))
{
    m_pause->setObjectName(QStringLiteral("pauseQueueButton"));
    m_pause->setVisible(false);
    setObjectName(QStringLiteral("modelDetailsPage"));
    m_title->setObjectName(QStringLiteral("modelTitle"));
    m_modelCombo->setObjectName(QStringLiteral("detailsModelCombo"));
    m_modelCombo->setMinimumContentsLength(16);
    m_docs->setObjectName(QStringLiteral("modelDocs"));
    m_instancesBox->setObjectName(QStringLiteral("instancesBox"));
    m_deadBox->setObjectName(QStringLiteral("deadLettersBox"));
    m_replaySelected->setObjectName(QStringLiteral("replaySelectedButton"));
    m_replayAll->setObjectName(QStringLiteral("replayAllButton"));
    m_discard->setObjectName(QStringLiteral("discardSelectedButton"));
    m_refresh->setObjectName(QStringLiteral("modelRefresh"));
    m_status->setObjectName(QStringLiteral("modelStatusLine"));
    m_splitter->setObjectName(QStringLiteral("modelSplitter"));

    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    titleFont.setBold(true);
    m_title->setFont(titleFont);

    static const char* const kMetaNames[MetaCount] = {"modelDescription", "modelVersion", "modelOwner",
                                                      "modelTags",        "modelStatus",  "modelLastSeen",
                                                      "modelRetry"};
    auto* form = new QFormLayout;
    for (int i = 0; i < MetaCount; ++i) {
        m_metaLabels[i] = new QLabel(this);
        m_metaValues[i] = new QLabel(this);
        m_metaValues[i]->setObjectName(QString::fromLatin1(kMetaNames[i]));
        m_metaValues[i]->setWordWrap(true);
        m_metaValues[i]->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(m_metaLabels[i], m_metaValues[i]);
    }
    new AuthorLinkOpener(m_docs); // the docs are the model author's: links open only when confirmed

    auto* metaWidget = new QWidget(m_splitter);
    auto* metaLayout = new QHBoxLayout(metaWidget);
    metaLayout->setContentsMargins(0, 0, 0, 0);
    metaLayout->addLayout(form, 2);
    metaLayout->addWidget(m_docs, 3);

    auto* instancesLayout = new QVBoxLayout(m_instancesBox);
    instancesLayout->addWidget(m_instancesTable);

    auto* deadLayout = new QVBoxLayout(m_deadBox);
    deadLayout->addWidget(m_deadTable);
    auto* deadButtons = new QHBoxLayout;
    deadButtons->addWidget(m_replaySelected);
    deadButtons->addWidget(m_replayAll);
    deadButtons->addWidget(m_discard);
    deadButtons->addStretch(1);
    deadLayout->addLayout(deadButtons);

    m_splitter->addWidget(metaWidget);
    m_splitter->addWidget(m_instancesBox);
    m_splitter->addWidget(m_deadBox);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setStretchFactor(2, 1);

    auto* header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_pause);
    header->addWidget(m_modelCombo);
    header->addWidget(m_refresh);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_status);

    const QByteArray state = m_context.settings.value(QStringLiteral("model_page/splitter")).toByteArray();
    if (!state.isEmpty())
        m_splitter->restoreState(state);
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] {
        m_context.settings.setValue(QStringLiteral("model_page/splitter"), m_splitter->saveState());
    });

    connect(m_refresh, &QPushButton::clicked, this, [this] {
        loadModelNames();
        refresh();
    });
    connect(m_modelCombo, &QComboBox::activated, this, [this](int index) {
        const QString name = m_modelCombo->itemData(index).toString();
        if (!name.isEmpty())
            showModel(name);
    });
    connect(m_replaySelected, &QPushButton::clicked, this, &ModelDetailsPage::replaySelected);
    connect(m_replayAll, &QPushButton::clicked, this, &ModelDetailsPage::replayAll);
    connect(m_discard, &QPushButton::clicked, this, &ModelDetailsPage::discardSelected);
    connect(m_pause, &QPushButton::clicked, this, &ModelDetailsPage::togglePaused);
    connect(m_deadTable, &QTableWidget::itemSelectionChanged, this, [this] {
        const bool any = !selectedDeadLetters().isEmpty();
        m_replaySelected->setEnabled(any);
        m_discard->setEnabled(any);
    });
    m_replaySelected->setEnabled(false);
    m_discard->setEnabled(false);

    m_heartbeatTimer.setInterval(1000);
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &ModelDetailsPage::updateHeartbeats);
    m_refreshTimer.setInterval(5000);
    connect(&m_refreshTimer, &QTimer::timeout, this, &ModelDetailsPage::loadInstances);
    retranslateUi();
}

ModelDetailsPage::~ModelDetailsPage() = default;

QString ModelDetailsPage::agoText(qint64 ms)
{
    const qint64 secs = std::max<qint64>(0, ms / 1000);
    if (secs < 120)
        return tr("%n s ago", nullptr, int(secs));
    if (secs < 2 * 3600)
        return tr("%n min ago", nullptr, int(secs / 60));
    return tr("%n h ago", nullptr, int(secs / 3600));
}

void ModelDetailsPage::retranslateUi()
{
    const char* const labels[MetaCount] = {
        QT_TR_NOOP("Description:"), QT_TR_NOOP("Version:"),   QT_TR_NOOP("Owner:"),   QT_TR_NOOP("Tags:"),
        QT_TR_NOOP("Status:"),      QT_TR_NOOP("Last seen:"), QT_TR_NOOP("Retries:"),
    };
    for (int i = 0; i < MetaCount; ++i)
        m_metaLabels[i]->setText(tr(labels[i]));
    m_instancesBox->setTitle(tr("Instances"));
    m_deadBox->setTitle(tr("Dead letters"));
    m_instancesTable->setHorizontalHeaderLabels({tr("Instance"), tr("Address"), tr("Started"),
                                                 tr("Last heartbeat"), tr("Ping"), tr("Succeeded"),
                                                 tr("Failed"), tr("Current task")});
    m_deadTable->setHorizontalHeaderLabels(
        {tr("Task"), tr("User"), tr("Attempts"), tr("Error"), tr("Dead-lettered at")});
    m_replaySelected->setText(tr("Replay selected"));
    m_replayAll->setText(tr("Replay all"));
    m_discard->setText(tr("Discard selected"));
    m_refresh->setText(tr("Refresh"));
    fillDetails();
    fillInstances();
}

void ModelDetailsPage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void ModelDetailsPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    m_heartbeatTimer.start();
    loadModelNames();
    if (!m_model.isEmpty()) {
        m_refreshTimer.start();
        loadInstances();
    }
}

void ModelDetailsPage::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_heartbeatTimer.stop();
    m_refreshTimer.stop();
}

QString ModelDetailsPage::modelPath() const
{
    return QStringLiteral("/api/v1/models/") + QString::fromUtf8(QUrl::toPercentEncoding(m_model));
}

void ModelDetailsPage::showModel(const QString& name)
{
    if (name == m_model && !m_details.isEmpty()) {
        refresh();
        return;
    }
    m_model = name;
    if (m_modelCombo->findData(name) < 0)
        m_modelCombo->addItem(name, name);
    m_modelCombo->setCurrentIndex(m_modelCombo->findData(name));
    m_details = {};
    m_instances = {};
    m_deadLetters = {};
    m_deadLettersAllowed = true;
    ++m_generation;
    fillDetails();
    fillInstances();
    fillDeadLetters();
    refresh();
    if (isVisible())
        m_refreshTimer.start();
}

void ModelDetailsPage::reset()
{
    ++m_generation; // answers still on their way were for the previous user
    m_details = {};
    m_instances = {};
    m_deadLetters = {};
    m_deadLettersAllowed = true;
    fillDetails();
    fillInstances();
    fillDeadLetters();
    setStatus({});
}

void ModelDetailsPage::refresh()
{
    if (m_model.isEmpty())
        return;
    setStatus({});
    loadDetails();
    loadInstances();
    loadDeadLetters();
}

void ModelDetailsPage::setStatus(const QString& text)
{
    m_statusText = text;
    m_status->setText(text);
}

void ModelDetailsPage::loadModelNames()
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("include"), QStringLiteral("offline"));
    m_context.api.get(
        QStringLiteral("/api/v1/models"), this,
        [this](const ApiResult& result) {
            if (!result.ok())
                return; // the combo keeps what it had; the details' own calls report errors
            QStringList names;
            for (const QJsonValue& value : result.json.value(QStringLiteral("models")).toArray())
                names.append(value.toObject().value(QStringLiteral("name")).toString());
            names.removeAll(QString());
            if (!m_model.isEmpty() && !names.contains(m_model))
                names.append(m_model);
            names.sort();
            const QSignalBlocker blocker(m_modelCombo);
            m_modelCombo->clear();
            for (const QString& name : std::as_const(names))
                m_modelCombo->addItem(name, name);
            m_modelCombo->setCurrentIndex(m_modelCombo->findData(m_model));
        },
        query);
}

void ModelDetailsPage::loadDetails()
{
    const int generation = m_generation;
    m_context.api.get(modelPath(), this, [this, generation](const ApiResult& result) {
        if (generation != m_generation)
            return;
        if (!result.ok()) {
            setStatus(ErrorText::forResult(result));
            return;
        }
        m_details = result.json;
        // The descriptor set is for forms; the page needs none of it.
        m_details.remove(QStringLiteral("descriptor_set"));
        fillDetails();
        emit modelLoaded(m_model);
    });
}

void ModelDetailsPage::loadInstances()
{
    if (m_model.isEmpty())
        return;
    const int generation = m_generation;
    m_context.api.get(modelPath() + QStringLiteral("/instances"), this,
                      [this, generation](const ApiResult& result) {
                          if (generation != m_generation)
                              return;
                          if (!result.ok()) {
                              setStatus(ErrorText::forResult(result));
                              return;
                          }
                          m_instances = result.json.value(QStringLiteral("instances")).toArray();
                          fillInstances();
                          emit instancesLoaded();
                      });
}

void ModelDetailsPage::loadDeadLetters()
{
    if (m_model.isEmpty() || !m_deadLettersAllowed)
        return;
    const int generation = m_generation;
    m_context.api.get(
        modelPath() + QStringLiteral("/dead-letters"), this, [this, generation](const ApiResult& result) {
            if (generation != m_generation)
                return;
            if (result.httpStatus == 403 || result.httpStatus == 401 || result.httpStatus == 404) {
                // Not an admin (or no dead letters on this server): the section is not for us.
                m_deadLettersAllowed = false;
                fillDeadLetters();
                return;
            }
            if (!result.ok()) {
                setStatus(ErrorText::forResult(result));
                return;
            }
            m_deadLetters = result.json.value(QStringLiteral("dead_letters")).toArray();
            fillDeadLetters();
            emit deadLettersLoaded();
        });
}

void ModelDetailsPage::fillDetails()
{
    const QJsonObject& d = m_details;
    if (m_model.isEmpty()) {
        m_title->setText(tr("Choose a model in the list to see its details."));
    } else {
        const QString version = d.value(QStringLiteral("version")).toString();
        m_title->setText(version.isEmpty() ? m_model : tr("%1, version %2").arg(m_model, version));
    }
    const QString none = tr("—");
    auto text = [&](const QString& key) {
        const QString value = d.value(key).toString();
        return value.isEmpty() ? none : value;
    };
    m_metaValues[MetaDescription]->setText(text(QStringLiteral("description")));
    m_metaValues[MetaVersion]->setText(text(QStringLiteral("version")));
    m_metaValues[MetaOwner]->setText(text(QStringLiteral("owner")));
    QStringList tags;
    for (const QJsonValue& tag : d.value(QStringLiteral("tags")).toArray())
        tags.append(tag.toString());
    m_metaValues[MetaTags]->setText(tags.isEmpty() ? none : tags.join(QStringLiteral(", ")));
    const QString status = d.value(QStringLiteral("status")).toString();
    const QString shownStatus = status == QLatin1String("live")      ? tr("live")
                                : status == QLatin1String("offline") ? tr("offline")
                                : status.isEmpty()                   ? none
                                                                     : status;
    const bool paused = d.value(QStringLiteral("paused")).toBool();
    m_metaValues[MetaStatus]->setText(paused ? tr("%1, paused: no instance takes new tasks").arg(shownStatus)
                                             : shownStatus);
    m_pause->setText(paused ? tr("Resume queue") : tr("Pause queue"));
    m_pause->setVisible(m_deadLettersAllowed && !d.isEmpty());
    const qint64 lastSeen = timeMs(d.value(QStringLiteral("last_seen_at")));
    m_metaValues[MetaLastSeen]->setText(
        lastSeen > 0 ? QStringLiteral("%1 (%2)").arg(localTime(d.value(QStringLiteral("last_seen_at"))),
                                                     agoText(m_clock.nowMs() - lastSeen))
                     : none);
    const QJsonObject retry = d.value(QStringLiteral("retry")).toObject();
    if (retry.isEmpty()) {
        m_metaValues[MetaRetry]->setText(none);
    } else {
        m_metaValues[MetaRetry]->setText(
            tr("up to %n attempt(s); first retry after %1 ms, ×%2 each time, at most %3 ms", nullptr,
               retry.value(QStringLiteral("max_attempts")).toInt())
                .arg(numberText(retry.value(QStringLiteral("backoff_initial_ms"))),
                     numberText(retry.value(QStringLiteral("backoff_factor"))),
                     numberText(retry.value(QStringLiteral("backoff_max_ms")))));
    }
    const QString docs = d.value(QStringLiteral("docs")).toString();
    if (docs.isEmpty())
        m_docs->setMarkdown(m_model.isEmpty() ? QString() : tr("*This model has no documentation.*"));
    else
        m_docs->setMarkdown(docs);
}

void ModelDetailsPage::fillInstances()
{
    m_instancesTable->setRowCount(int(m_instances.size()));
    for (int row = 0; row < int(m_instances.size()); ++row) {
        const QJsonObject i = m_instances.at(row).toObject();
        const QString rtt = i.value(QStringLiteral("ping_rtt_ms")).isDouble()
                                ? tr("%1 ms").arg(numberText(i.value(QStringLiteral("ping_rtt_ms"))))
                                : tr("—");
        const QString current = i.value(QStringLiteral("current_task_id")).toString();
        const QStringList cells = {
            i.value(QStringLiteral("instance_id")).toString(),
            QStringLiteral("%1:%2").arg(i.value(QStringLiteral("host")).toString(),
                                        numberText(i.value(QStringLiteral("port")))),
            localTime(i.value(QStringLiteral("started_at"))),
            QString(), // heartbeat: updateHeartbeats()
            rtt,
            numberText(i.value(QStringLiteral("tasks_succeeded"))),
            numberText(i.value(QStringLiteral("tasks_failed"))),
            current.isEmpty() ? tr("idle") : current,
        };
        for (int column = 0; column < InstanceColumns; ++column) {
            auto* item = m_instancesTable->item(row, column);
            if (!item) {
                item = new QTableWidgetItem;
                m_instancesTable->setItem(row, column, item);
            }
            item->setText(cells[column]);
        }
    }
    updateHeartbeats();
    m_instancesTable->resizeColumnsToContents();
}

void ModelDetailsPage::updateHeartbeats()
{
    const qint64 now = m_clock.nowMs();
    for (int row = 0; row < int(m_instances.size()) && row < m_instancesTable->rowCount(); ++row) {
        const qint64 last = timeMs(m_instances.at(row).toObject().value(QStringLiteral("last_ping_at")));
        if (auto* item = m_instancesTable->item(row, InstanceHeartbeat))
            item->setText(last > 0 ? agoText(now - last) : tr("not yet"));
    }
}

void ModelDetailsPage::togglePaused()
{
    if (m_model.isEmpty() || m_details.isEmpty())
        return;
    const bool pause = !m_details.value(QStringLiteral("paused")).toBool();
    const int generation = m_generation;
    ApiCall call;
    call.method = "PATCH";
    call.path = modelPath();
    call.body = QJsonDocument(QJsonObject{{QStringLiteral("paused"), pause}}).toJson(QJsonDocument::Compact);
    m_pause->setEnabled(false);
    m_context.api.send(std::move(call), this, [this, generation, pause](const ApiResult& result) {
        m_pause->setEnabled(true);
        if (generation != m_generation)
            return;
        if (!result.ok()) {
            if (result.httpStatus == 403)
                m_pause->setVisible(false);
            setStatus(ErrorText::forResult(result));
            return;
        }
        m_details = result.json;
        fillDetails();
        setStatus(pause ? tr("Queue paused: tasks are accepted and wait until it is resumed.")
                        : tr("Queue resumed."));
    });
}

void ModelDetailsPage::fillDeadLetters()
{
    m_pause->setVisible(m_deadLettersAllowed && !m_details.isEmpty());
    m_deadBox->setVisible(m_deadLettersAllowed && !m_model.isEmpty());
    m_deadTable->setRowCount(int(m_deadLetters.size()));
    for (int row = 0; row < int(m_deadLetters.size()); ++row) {
        const QJsonObject d = m_deadLetters.at(row).toObject();
        const QJsonValue error = d.value(QStringLiteral("error"));
        QString errorText = error.toString();
        if (error.isObject()) {
            const QJsonObject e = error.toObject();
            errorText = QStringLiteral("%1: %2").arg(e.value(QStringLiteral("code")).toString(),
                                                     e.value(QStringLiteral("message")).toString());
        }
        const QStringList cells = {d.value(QStringLiteral("task_id")).toString(),
                                   d.value(QStringLiteral("login")).toString().isEmpty()
                                       ? d.value(QStringLiteral("user_id")).toString()
                                       : d.value(QStringLiteral("login")).toString(),
                                   numberText(d.value(QStringLiteral("attempts"))), errorText,
                                   localTime(d.value(QStringLiteral("dead_lettered_at")))};
        for (int column = 0; column < DeadColumns; ++column)
            m_deadTable->setItem(row, column, new QTableWidgetItem(cells[column]));
    }
    m_replayAll->setEnabled(!m_deadLetters.isEmpty());
    m_deadTable->resizeColumnsToContents();
}

QStringList ModelDetailsPage::selectedDeadLetters() const
{
    QStringList ids;
    for (const QModelIndex& index : m_deadTable->selectionModel()->selectedRows(DeadTask))
        ids.append(index.data().toString());
    return ids;
}

void ModelDetailsPage::replaySelected()
{
    const QStringList ids = selectedDeadLetters();
    if (!ids.isEmpty())
        replay(QJsonObject{{QStringLiteral("task_ids"), QJsonArray::fromStringList(ids)}});
}

void ModelDetailsPage::replayAll()
{
    replay(QJsonObject{{QStringLiteral("all"), true}});
}

void ModelDetailsPage::replay(const QJsonObject& body)
{
    const int generation = m_generation;
    m_context.api.post(
        modelPath() + QStringLiteral("/dead-letters:replay"), body, this,
        [this, generation](const ApiResult& result) {
            if (generation != m_generation)
                return;
            if (!result.ok()) {
                setStatus(ErrorText::forResult(result));
                return;
            }
            // Both are lists of task ids (a count is accepted too).
            auto count = [&](const char* key) {
                const QJsonValue value = result.json.value(QLatin1String(key));
                return value.isArray() ? int(value.toArray().size()) : value.toInt();
            };
            const int replayed = count("replayed");
            const int missing = count("not_found");
            setStatus(missing > 0
                          ? tr("Replayed %n task(s); %1 no longer there.", nullptr, replayed).arg(missing)
                          : tr("Replayed %n task(s).", nullptr, replayed));
            loadDeadLetters();
        });
}

void ModelDetailsPage::discardSelected()
{
    const QStringList ids = selectedDeadLetters();
    if (ids.isEmpty())
        return;
    const int generation = m_generation;
    auto remaining = std::make_shared<int>(int(ids.size()));
    auto failures = std::make_shared<QStringList>();
    for (const QString& id : ids) {
        ApiCall call;
        call.method = "DELETE";
        call.path =
            modelPath() + QStringLiteral("/dead-letters/") + QString::fromUtf8(QUrl::toPercentEncoding(id));
        m_context.api.send(
            call, this, [this, generation, remaining, failures, count = ids.size()](const ApiResult& result) {
                if (generation != m_generation)
                    return;
                if (!result.ok())
                    failures->append(ErrorText::forResult(result));
                if (--*remaining > 0)
                    return;
                setStatus(failures->isEmpty() ? tr("Discarded %n task(s).", nullptr, int(count))
                                              : failures->join(QLatin1Char('\n')));
                loadDeadLetters();
            });
    }
}

} // namespace mmf::studio
