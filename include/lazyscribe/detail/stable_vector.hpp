#pragma once
/// @file stable_vector.hpp
/// @brief A vector of individually allocated elements: references stay valid as it grows
/// (what std::deque gives), but an empty one allocates nothing (std::deque allocates on
/// construction, and every experiment holds several of these).

#include <cstddef>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

namespace lazyscribe::detail {

/// An iterator over slots that own their elements (std::unique_ptr), yielding the elements:
/// random access, as the slots are. Const = true yields const references.
template <class SlotIterator, bool Const>
class indirect_iterator {
    using element = typename std::iterator_traits<SlotIterator>::value_type::element_type;

public:
    using iterator_category = std::random_access_iterator_tag;
    using iterator_concept = std::random_access_iterator_tag;
    using value_type = std::remove_const_t<element>;
    using difference_type = std::ptrdiff_t;
    using reference = std::conditional_t<Const, const element&, element&>;
    using pointer = std::conditional_t<Const, const element*, element*>;

    indirect_iterator() = default;
    explicit indirect_iterator(SlotIterator it) : it_(it) {}
    /// iterator → const_iterator
    template <class OtherSlots, bool OtherConst>
    requires(Const && !OtherConst && std::is_convertible_v<OtherSlots, SlotIterator>)
        // NOLINTNEXTLINE(google-explicit-constructor): implicit, as a standard container's iterator converts
        indirect_iterator(const indirect_iterator<OtherSlots, OtherConst>& other)
        : it_(other.it_) {}

    reference operator*() const { return **it_; }
    pointer operator->() const { return it_->get(); }
    reference operator[](difference_type n) const { return *it_[n]; }
    indirect_iterator& operator++() {
        ++it_;
        return *this;
    }
    indirect_iterator operator++(int) {
        auto t = *this;
        ++it_;
        return t;
    }
    indirect_iterator& operator--() {
        --it_;
        return *this;
    }
    indirect_iterator operator--(int) {
        auto t = *this;
        --it_;
        return t;
    }
    indirect_iterator& operator+=(difference_type n) {
        it_ += n;
        return *this;
    }
    indirect_iterator& operator-=(difference_type n) {
        it_ -= n;
        return *this;
    }
    friend indirect_iterator operator+(indirect_iterator a, difference_type n) { return a += n; }
    friend indirect_iterator operator+(difference_type n, indirect_iterator a) { return a += n; }
    friend indirect_iterator operator-(indirect_iterator a, difference_type n) { return a -= n; }
    friend difference_type operator-(const indirect_iterator& a, const indirect_iterator& b) { return a.it_ - b.it_; }
    friend bool operator==(const indirect_iterator&, const indirect_iterator&) = default;
    friend auto operator<=>(const indirect_iterator&, const indirect_iterator&) = default;

private:
    template <class, bool>
    friend class indirect_iterator;
    SlotIterator it_{};
};

template <class T>
class stable_vector {
    using slots = std::vector<std::unique_ptr<T>>;

public:
    using value_type = T;
    using size_type = std::size_t;
    using iterator = indirect_iterator<typename slots::iterator, false>;
    using const_iterator = indirect_iterator<typename slots::const_iterator, true>;

    stable_vector() = default;
    stable_vector(const stable_vector& other) {
        items_.reserve(other.items_.size());
        for (const auto& p : other.items_) items_.push_back(std::make_unique<T>(*p));
    }
    stable_vector(stable_vector&&) noexcept = default;
    stable_vector& operator=(const stable_vector& other) {
        if (this != &other) {
            stable_vector copy(other);
            items_.swap(copy.items_);
        }
        return *this;
    }
    stable_vector& operator=(stable_vector&&) noexcept = default;

    [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
    [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
    [[nodiscard]] T& operator[](std::size_t i) noexcept { return *items_[i]; }
    [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return *items_[i]; }
    [[nodiscard]] T& front() noexcept { return *items_.front(); }
    [[nodiscard]] const T& front() const noexcept { return *items_.front(); }
    [[nodiscard]] T& back() noexcept { return *items_.back(); }
    [[nodiscard]] const T& back() const noexcept { return *items_.back(); }

    [[nodiscard]] T& at(std::size_t i) {
        if (i >= items_.size()) throw std::out_of_range("stable_vector::at: index out of range");
        return *items_[i];
    }
    [[nodiscard]] const T& at(std::size_t i) const {
        if (i >= items_.size()) throw std::out_of_range("stable_vector::at: index out of range");
        return *items_[i];
    }

    [[nodiscard]] iterator begin() noexcept { return iterator(items_.begin()); }
    [[nodiscard]] iterator end() noexcept { return iterator(items_.end()); }
    [[nodiscard]] const_iterator begin() const noexcept { return const_iterator(items_.begin()); }
    [[nodiscard]] const_iterator end() const noexcept { return const_iterator(items_.end()); }
    [[nodiscard]] const_iterator cbegin() const noexcept { return begin(); }
    [[nodiscard]] const_iterator cend() const noexcept { return end(); }
    [[nodiscard]] auto rbegin() noexcept { return std::reverse_iterator<iterator>(end()); }
    [[nodiscard]] auto rend() noexcept { return std::reverse_iterator<iterator>(begin()); }
    [[nodiscard]] auto rbegin() const noexcept { return std::reverse_iterator<const_iterator>(end()); }
    [[nodiscard]] auto rend() const noexcept { return std::reverse_iterator<const_iterator>(begin()); }

    T& push_back(T value) {
        items_.push_back(std::make_unique<T>(std::move(value)));
        return *items_.back();
    }
    /// Removes the element at index i; references to the others stay valid.
    void erase(std::size_t i) { items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(i)); }
    void reserve(std::size_t n) { items_.reserve(n); }
    void clear() noexcept { items_.clear(); }

    friend bool operator==(const stable_vector& a, const stable_vector& b) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!(a[i] == b[i])) return false;
        return true;
    }

private:
    slots items_;
};

}  // namespace lazyscribe::detail
