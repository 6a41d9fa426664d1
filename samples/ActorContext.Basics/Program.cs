using ActorContext.Basics;

BasicsDemo.Run(Console.Out);
return 0;
