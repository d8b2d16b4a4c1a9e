#pragma once
// std::visit with a set of lambdas: std::visit(Overloaded{[](A&){…}, [](B&){…}}, v).
namespace cockpit {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace cockpit
