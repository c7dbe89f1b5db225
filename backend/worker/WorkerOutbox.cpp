#include "worker/WorkerOutbox.h"

namespace mmf {

WorkerOutbox::WorkerOutbox(std::function<void()> wake)
    : m_wake(std::move(wake))
{}

void WorkerOutbox::push(Item item)
{
    bool wasEmpty = false;
    {
        std::lock_guard lock(m_mutex);
        wasEmpty = m_items.empty();
        m_items.push_back(std::move(item));
    }
    if (wasEmpty && m_wake)
        m_wake();
}

std::vector<WorkerOutbox::Item> WorkerOutbox::takeAll()
{
    std::vector<Item> items;
    std::lock_guard lock(m_mutex);
    items.swap(m_items);
    return items;
}

void WorkerOutbox::postLog(quint64 serial, qint64 tsMs, TaskContext::Level level, const QString& text)
{
    Item item;
    item.kind = Item::Kind::Log;
    item.serial = serial;
    item.tsMs = tsMs;
    item.level = level;
    item.text = text;
    push(std::move(item));
}

void WorkerOutbox::postProgress(quint64 serial, qint64 tsMs, double fraction, const QString& text)
{
    Item item;
    item.kind = Item::Kind::Progress;
    item.serial = serial;
    item.tsMs = tsMs;
    item.fraction = fraction;
    item.text = text;
    push(std::move(item));
}

void WorkerOutbox::postCall(quint64 serial, const QString& model, QByteArray request, CallHandle handle)
{
    Item item;
    item.kind = Item::Kind::Call;
    item.serial = serial;
    item.text = model;
    item.bytes = std::move(request);
    item.handle = std::move(handle);
    push(std::move(item));
}

} // namespace mmf
